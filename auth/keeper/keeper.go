// Package keeper keeps every account's token fresh: one scheduler refreshes
// each token before it expires, and EnsureFresh is the one path by which any
// token is handed out (clipboard, CLI). It has no GUI.
//
// Refreshes are safe against concurrency and crashes: callers in one process
// share one refresh (singleflight); across processes the store's file lock is
// held from re-reading the stored token to storing the new one, so a token
// another process already refreshed is adopted, not refreshed again; and a
// rotated refresh token is sealed into the store before the new access token
// is returned or announced.
package keeper

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"
	"golang.org/x/oauth2"
	"golang.org/x/sync/singleflight"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
)

// Account statuses kept in store.Account.Status.
const (
	StatusOK        = "ok"
	StatusFailing   = "failing"   // the last refresh failed; retrying
	StatusReconnect = "reconnect" // the grant is gone; only reconnecting helps
)

// Defaults.
const (
	DefaultCheckInterval = 30 * time.Second
	DefaultMargin        = 5 * time.Minute
	// UnknownLifetime is how long a token whose expiry the provider did not
	// give is taken to be good, counted from when it was obtained.
	UnknownLifetime = time.Hour
	// RefreshTokenWarning is how early "refresh token expiring" is said.
	RefreshTokenWarning = 3 * 24 * time.Hour
	// refreshTimeout bounds one refresh: lock, HTTP call, store.
	refreshTimeout = 2 * time.Minute
	// maxRefreshes is how many refreshes the scheduler runs side by side
	// (one per account): a provider that is slow to answer holds up only
	// its own accounts.
	maxRefreshes = 4
)

// TokenStore is the storage the keeper needs: Persistent(*store.Store) is
// the real one; tests of the scheduler and backoff use one in memory.
type TokenStore interface {
	Accounts() ([]store.Account, error)
	Account(id string) (store.Account, error)
	LoadToken(ctx context.Context, id string) (*oauth2.Token, error)
	// Locked runs fn holding account id's lock, against every other
	// goroutine and process, and no other account's.
	Locked(ctx context.Context, id string, fn func(AccountTx) error) error
}

// AccountTx is one account while its lock is held (see TokenStore.Locked).
type AccountTx interface {
	Account() (store.Account, error)
	LoadToken() (*oauth2.Token, error)
	SaveToken(*oauth2.Token) error
	PutAccount(store.Account) error
	Delete() error
}

// Persistent is the TokenStore of a *store.Store: per-account file locks
// (store.UpdateAccount), the store-wide lock only for metadata writes.
func Persistent(s *store.Store) TokenStore { return persistent{s} }

type persistent struct{ *store.Store }

func (p persistent) Locked(ctx context.Context, id string, fn func(AccountTx) error) error {
	return p.UpdateAccount(ctx, id, func(tx *store.AccountTx) error { return fn(tx) })
}

// Config configures a Keeper. Store (or Tokens) and Provider are required.
type Config struct {
	// Store is where tokens and accounts live.
	Store *store.Store
	// Tokens, when set, is used instead of Persistent(Store) (tests).
	Tokens TokenStore
	// Provider returns an account's provider, with client credentials: the
	// client secret may be read from the keyring. Only a refresh asks it.
	Provider func(context.Context, store.Account) (auth.Provider, error)
	// ProviderSettings returns an account's provider without its client
	// secret, reading no keyring: what due times, margins and Statuses are
	// computed from, so that showing an account never waits on a locked
	// keyring. Default: Provider.
	ProviderSettings func(context.Context, store.Account) (auth.Provider, error)
	// HTTPClient makes the refresh calls; default: 30-second timeout.
	HTTPClient *http.Client
	// Now is the wall clock; default time.Now. Tests move it.
	Now func() time.Time
	// CheckInterval is the longest the scheduler sleeps between looks at
	// the wall clock (Go timers stop while a laptop sleeps); default 30 s.
	CheckInterval time.Duration
	// Margin is how long before expiry to refresh when the provider sets no
	// RefreshMargin; default 5 minutes, capped at 10 % of the lifetime.
	Margin time.Duration
	// Backoff makes the retry schedule after a transient failure; default:
	// 5 s doubling to 10 minutes, with jitter.
	Backoff func() *backoff.ExponentialBackOff
	// Logger gets progress; never a token. Default slog.Default().
	Logger *slog.Logger
	// Link returns the file through which an account's sign-in is shared
	// with another program (Claude Code's credentials), or nil. A linked
	// account adopts a newer pair from the file before refreshing, writes
	// its new pair back after, and is refreshed LinkedMargin early.
	Link func(store.Account) Link
}

// Link is a sign-in shared with another program through a file.
type Link interface {
	Read() (*oauth2.Token, error)
	Write(*oauth2.Token) error
}

// LinkedMargin is how early a linked account is refreshed: before the other
// program (Claude Code renews 5 minutes before expiry) would, so that it
// finds the new pair in the file instead of spending the old one.
const LinkedMargin = 15 * time.Minute

// Keeper refreshes tokens. Its methods are safe for concurrent use.
type Keeper struct {
	cfg Config
	sf  singleflight.Group

	ctx    context.Context // ends at Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // the scheduler and in-flight refreshes
	wake   chan struct{}
	start  sync.Once
	slots  chan struct{} // one per refresh the scheduler runs (maxRefreshes)

	mu      sync.Mutex
	closed  bool
	subs    map[chan Event]struct{}
	retries map[string]*retry
	said    map[string]map[EventKind]bool // conditions already announced
	unsaved map[string]*oauth2.Token      // rotated tokens the store refused
	// deadlines are the expiries of tokens this process obtained, also on
	// the monotonic clock, which the wall clock being set back cannot move.
	deadlines map[string]deadline
	// refreshing are the accounts the scheduler is refreshing; each channel
	// is closed when that refresh has ended.
	refreshing map[string]chan struct{}

	onTick func() // tests: called after each scheduler pass that leaves no refresh of its own running
}

// deadline is a token's expiry as stored (wall) and on the monotonic clock.
type deadline struct{ wall, mono time.Time }

type retry struct {
	b    *backoff.ExponentialBackOff
	next time.Time
}

// New makes a Keeper. Call Start for background refreshing (the tray), or
// only EnsureFresh (the CLI); Close it when done.
func New(cfg Config) *Keeper {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Tokens == nil {
		cfg.Tokens = Persistent(cfg.Store)
	}
	if cfg.ProviderSettings == nil {
		cfg.ProviderSettings = cfg.Provider
	}
	if cfg.CheckInterval <= 0 {
		cfg.CheckInterval = DefaultCheckInterval
	}
	if cfg.Margin <= 0 {
		cfg.Margin = DefaultMargin
	}
	if cfg.Backoff == nil {
		cfg.Backoff = func() *backoff.ExponentialBackOff {
			b := backoff.NewExponentialBackOff()
			b.InitialInterval, b.MaxInterval = 5*time.Second, 10*time.Minute
			return b
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Keeper{
		cfg: cfg, ctx: ctx, cancel: cancel,
		wake:    make(chan struct{}, 1),
		slots:   make(chan struct{}, maxRefreshes),
		subs:    map[chan Event]struct{}{},
		retries: map[string]*retry{},
		said:    map[string]map[EventKind]bool{},
		unsaved: map[string]*oauth2.Token{},

		deadlines:  map[string]deadline{},
		refreshing: map[string]chan struct{}{},
	}
}

// Start starts the scheduler. Calling it again does nothing.
func (k *Keeper) Start() {
	k.start.Do(func() {
		if !k.track() {
			return
		}
		go func() {
			defer k.wg.Done()
			k.run()
		}()
	})
}

// track counts a goroutine or refresh that Close must wait for; false once
// closed.
func (k *Keeper) track() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		return false
	}
	k.wg.Add(1)
	return true
}

// ErrClosed is returned by EnsureFresh after Close.
var ErrClosed = errors.New("keeper closed")

// Close stops the scheduler and waits for it and for every refresh in
// flight: a refresh the server may already have answered is stored, not
// cut. Subscriptions' channels are closed.
func (k *Keeper) Close() error {
	k.mu.Lock()
	k.closed = true
	k.mu.Unlock()
	k.cancel()
	k.wg.Wait()
	k.mu.Lock()
	defer k.mu.Unlock()
	for ch := range k.subs {
		close(ch)
		delete(k.subs, ch)
	}
	return nil
}

// Wake makes the scheduler look at the accounts now: call it after an
// account was connected, reconnected or removed.
func (k *Keeper) Wake() {
	select {
	case k.wake <- struct{}{}:
	default:
	}
}

// SignedIn stores a new sign-in — connect, reconnect, import — for acct
// (new, or existing: it keeps its ID and name): the token and its metadata,
// under the account's lock, so that no refresh in flight writes an older
// token over it. What the keeper remembered of the account's earlier token
// (a refreshed token the store refused, retries, conditions announced) is
// dropped. It returns the account as stored, announces it and schedules it.
func (k *Keeper) SignedIn(ctx context.Context, acct store.Account, p auth.Provider, tok *oauth2.Token) (store.Account, error) {
	err := k.cfg.Tokens.Locked(ctx, acct.ID, func(tx AccountTx) error {
		k.forget(acct.ID)
		if err := tx.SaveToken(tok); err != nil {
			return err
		}
		now := k.cfg.Now()
		isNew := acct.Connected.IsZero()
		acct = refreshed(acct, p, tok, tok, now)
		if isNew {
			acct.Connected, acct.LastRefresh = now, time.Time{}
		}
		if p.RefreshTokenLifetime > 0 {
			acct.RefreshExpiry = now.Add(p.RefreshTokenLifetime)
		}
		return tx.PutAccount(acct)
	})
	if err != nil {
		return store.Account{}, err
	}
	k.emit(Event{Account: acct.ID, Kind: EventConnected, At: k.cfg.Now()})
	k.Wake()
	return acct, nil
}

// Forget removes an account — its metadata, state and token — under its
// lock, and what the keeper remembered of it.
func (k *Keeper) Forget(ctx context.Context, id string) error {
	err := k.cfg.Tokens.Locked(ctx, id, func(tx AccountTx) error {
		k.forget(id)
		return tx.Delete()
	})
	k.Wake()
	return err
}

// forget drops what the keeper remembers of an account's token.
func (k *Keeper) forget(id string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.unsaved, id) // older than the new sign-in: never adopt it
	delete(k.said, id)
	delete(k.retries, id)
	delete(k.deadlines, id)
}

// margin is how long before expiry the account is refreshed: the
// provider's RefreshMargin (at most half the lifetime), else the configured
// margin (at most 10 % of the lifetime, for short tokens).
func (k *Keeper) margin(p auth.Provider, a store.Account) time.Duration {
	m, frac := k.cfg.Margin, time.Duration(10)
	if p.RefreshMargin > 0 {
		m, frac = p.RefreshMargin, 2
	}
	if k.link(a) != nil && m < LinkedMargin {
		m, frac = LinkedMargin, 2
	}
	if life := lifetime(a); life > 0 && life/frac < m {
		m = life / frac
	}
	return m
}

// lifetime is how long the account's current access token lasts, as far as
// the metadata tells.
func lifetime(a store.Account) time.Duration {
	from := obtained(a)
	if a.Expiry.IsZero() || from.IsZero() || !a.Expiry.After(from) {
		return 0
	}
	return a.Expiry.Sub(from)
}

// obtained is when the current token was obtained: the later of connecting
// and the last refresh — unless that lies after the token's expiry, which
// happens when the clock was set back since.
func obtained(a store.Account) time.Time {
	early, late := a.Connected, a.LastRefresh
	if late.Before(early) {
		early, late = late, early
	}
	if !a.Expiry.IsZero() && !late.Before(a.Expiry) {
		return early
	}
	return late
}

// expiry is when tok stops being good: its own expiry, or for a token the
// provider gave no expiry, UnknownLifetime after it was obtained.
func expiry(tok *oauth2.Token, a store.Account) time.Time {
	if auth.ExpiryKnown(tok) {
		return tok.Expiry
	}
	if o := obtained(a); !o.IsZero() {
		return o.Add(UnknownLifetime)
	}
	return time.Time{} // never obtained as far as we know: refresh
}

// expiryOf is when the account's token tok stops being good on the keeper's
// clock: expiry(tok, a), or earlier if this process obtained the token and
// the monotonic clock says less time is left — the wall clock was set back
// since (a wall clock set forward, or a suspend, only makes it refresh
// sooner). Tokens obtained by another process have only their stored expiry.
func (k *Keeper) expiryOf(id string, tok *oauth2.Token, a store.Account) time.Time {
	return k.capExpiry(id, expiry(tok, a))
}

func (k *Keeper) capExpiry(id string, e time.Time) time.Time {
	k.mu.Lock()
	d, ok := k.deadlines[id]
	k.mu.Unlock()
	if !ok || e.IsZero() || !d.wall.Equal(e) {
		return e
	}
	if m := k.cfg.Now().Add(time.Until(d.mono)); m.Before(e) {
		return m
	}
	return e
}

func (k *Keeper) validFor(id string, tok *oauth2.Token, a store.Account, min time.Duration) bool {
	return tok != nil && tok.AccessToken != "" && k.expiryOf(id, tok, a).After(k.cfg.Now().Add(min))
}

// EnsureFresh returns the account's access token, valid for at least
// minValid, refreshing it first when needed. A token whose whole lifetime is
// shorter than minValid is returned fresh from the provider.
//
// It never hands out a token that the scheduler is about to replace: some
// providers revoke the old access token on refresh, so a token is handed out
// only while it has minValid left before its own refresh is due (expiry −
// margin). Concurrent callers share one refresh; a caller that gives up
// (ctx) does not cut the refresh short. Errors: *auth.Error (KindReconnect
// when only reconnecting helps), store errors (keyring, unreadable),
// ErrClosed.
func (k *Keeper) EnsureFresh(ctx context.Context, id string, minValid time.Duration) (*oauth2.Token, error) {
	acct, err := k.cfg.Tokens.Account(id)
	if err != nil {
		return nil, err
	}
	if acct.Status == StatusReconnect && k.link(acct) == nil {
		// (A linked account may find a new sign-in in its file: refresh
		// looks.)
		return nil, &auth.Error{Kind: auth.KindReconnect, Op: "refresh", Err: errors.New("account needs reconnecting")}
	}
	// The margin needs the provider's settings only: its client secret is
	// read by a refresh, if one is needed.
	p, err := k.cfg.ProviderSettings(ctx, acct)
	if err != nil {
		return nil, fmt.Errorf("provider of %s: %w", id, err)
	}
	need := minValid + k.margin(p, acct)
	tok, err := k.cfg.Tokens.LoadToken(ctx, id)
	if err != nil {
		return nil, err
	}
	if k.validFor(id, tok, acct, need) && k.link(acct) == nil {
		return tok, nil
	}
	// (A linked account's pair may have been renewed by the other program
	// since, which can end the access token stored here: refresh looks.)
	// A refresh already in flight may have been started for a smaller need
	// and adopt a token too short for this one: then one more round.
	for round := 0; ; round++ {
		tok, err = k.refreshShared(ctx, id, need)
		if err != nil || round == 1 || k.validFor(id, tok, acct, need) {
			return tok, err
		}
	}
}

// Renew returns a token for account id, valid for at least minValid, other
// than stale: the access token a service has just refused (401, or the
// Claude wrapper's "Invalid API key") although it looked valid. The
// provider is asked only if the stored token is still the refused one:
// callers that were refused the same token at once share one refresh, and
// a caller refused after another one renewed it gets the newer token.
func (k *Keeper) Renew(ctx context.Context, id, stale string, minValid time.Duration) (*oauth2.Token, error) {
	if _, err := k.cfg.Tokens.Account(id); err != nil {
		return nil, err
	}
	// A refresh already in flight (EnsureFresh's, say) may adopt the
	// refused token: then one more round, which sees it as stale.
	for round := 0; ; round++ {
		tok, err := k.renewShared(ctx, id, minValid, stale)
		if err != nil || round == 1 || tok.AccessToken != stale {
			return tok, err
		}
	}
}

// refreshShared runs one refresh per account at a time in this process; the
// callers wait for it or for their ctx.
func (k *Keeper) refreshShared(ctx context.Context, id string, minValid time.Duration) (*oauth2.Token, error) {
	return k.renewShared(ctx, id, minValid, "")
}

// renewShared is refreshShared for a token that must not be stale (see
// Renew); "" for none.
func (k *Keeper) renewShared(ctx context.Context, id string, minValid time.Duration, stale string) (*oauth2.Token, error) {
	ch := k.sf.DoChan(id, func() (any, error) { return k.refresh(id, minValid, stale) })
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*oauth2.Token), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// refresh re-reads the stored token under the store's lock and refreshes it
// unless it is (now) valid for minValid and not stale (an access token a
// service refused; "" for none). It runs on the keeper's context, not the
// caller's, so that an answered refresh is always stored.
func (k *Keeper) refresh(id string, minValid time.Duration, stale string) (*oauth2.Token, error) {
	if !k.track() {
		return nil, ErrClosed
	}
	defer k.wg.Done()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(k.ctx), refreshTimeout)
	defer cancel()

	var (
		out     *oauth2.Token
		events  []Event
		metaErr error // the token is safe, but its metadata was not written
	)
	err := k.cfg.Tokens.Locked(ctx, id, func(tx AccountTx) error {
		acct, err := tx.Account()
		if err != nil {
			return err
		}
		link := k.link(acct)
		needsReconnect := &auth.Error{Kind: auth.KindReconnect, Op: "refresh", Err: errors.New("account needs reconnecting")}
		if acct.Status == StatusReconnect && link == nil {
			return needsReconnect
		}
		tok, err := k.loadUnsaved(tx, id)
		if err != nil {
			events = append(events, k.storeFailed(tx, acct, err)...)
			return err
		}
		ft := k.newerInLink(link, id, tok)
		if acct.Status == StatusReconnect && ft == nil {
			return needsReconnect
		}
		if ft != nil {
			// The other program refreshed (or signed in again): take its
			// pair, which made ours stale.
			if err := tx.SaveToken(ft); err != nil {
				events = append(events, k.storeFailed(tx, acct, err)...)
				return err
			}
			tok = ft
			if acct.Status == StatusReconnect {
				// Signed in again there: the account works again.
				acct.Status, acct.LastProblem, acct.LastError, acct.Expiry = StatusOK, store.Problem{}, "", time.Time{}
				events = append(events, Event{Account: id, Kind: EventConnected, At: k.cfg.Now()})
			}
		}
		if k.validFor(id, tok, acct, minValid) && (stale == "" || tok.AccessToken != stale) {
			out = tok // another process (or goroutine) refreshed it: adopt
			if auth.ExpiryKnown(tok) && !acct.Expiry.Equal(tok.Expiry) {
				// An earlier metadata write failed (a full disk): repair.
				acct.Expiry, acct.Status, acct.LastProblem, acct.LastError = tok.Expiry, StatusOK, store.Problem{}, ""
				if metaErr = tx.PutAccount(acct); metaErr == nil {
					events = append(events, Event{Account: id, Kind: EventRefreshed, Expiry: acct.Expiry, At: k.cfg.Now()})
				}
			}
			return nil
		}
		p, err := k.cfg.Provider(ctx, acct)
		if err != nil {
			return fmt.Errorf("provider of %s: %w", id, err)
		}
		asked, askedMono := k.cfg.Now(), time.Now()
		nt, rerr := auth.Refresh(ctx, k.cfg.HTTPClient, p, tok)
		if auth.KindOf(rerr) == auth.KindReconnect {
			if ft := k.newerInLink(link, id, tok); ft != nil {
				// The other program spent the pair at the same moment and
				// wrote its new one: take that, refreshing it if need be.
				if err := tx.SaveToken(ft); err != nil {
					events = append(events, k.storeFailed(tx, acct, err)...)
					return err
				}
				tok = ft
				if k.validFor(id, tok, acct, minValid) {
					acct.Expiry, acct.Status, acct.LastProblem, acct.LastError = tok.Expiry, StatusOK, store.Problem{}, ""
					metaErr, out = tx.PutAccount(acct), tok
					events = append(events, Event{Account: id, Kind: EventRefreshed, Expiry: acct.Expiry, At: k.cfg.Now()})
					return nil
				}
				asked, askedMono = k.cfg.Now(), time.Now()
				nt, rerr = auth.Refresh(ctx, k.cfg.HTTPClient, p, tok)
			}
		}
		now := k.cfg.Now()
		var dl *deadline
		if nt != nil && nt.ExpiresIn > 0 {
			// Count the lifetime on the keeper's clock from when we asked,
			// as x/oauth2 would on time.Now from when the answer came.
			life := time.Duration(nt.ExpiresIn) * time.Second
			nt.Expiry = asked.Add(life)
			dl = &deadline{wall: nt.Expiry, mono: askedMono.Add(life)}
		}
		if rerr != nil {
			events = append(events, k.failed(tx, acct, tok, p, rerr, now)...)
			return rerr
		}
		k.mu.Lock()
		if dl != nil {
			k.deadlines[id] = *dl
		} else {
			delete(k.deadlines, id)
		}
		k.mu.Unlock()
		// Persist first: the old refresh token may be dead already.
		if err := tx.SaveToken(nt); err != nil {
			k.mu.Lock()
			k.unsaved[id] = nt
			k.mu.Unlock()
			k.cfg.Logger.Error("could not store a refreshed token; keeping it in memory", "account", id, "err", err)
			events = append(events, k.storeFailed(tx, acct, err)...)
			return err
		}
		k.mu.Lock()
		delete(k.unsaved, id)
		k.mu.Unlock()
		acct = refreshed(acct, p, tok, nt, now)
		if link != nil {
			if err := link.Write(nt); err != nil {
				// Tokentray's pair is safe; the other program's is now
				// spent. Say so where the account's state is shown.
				k.cfg.Logger.Error("could not write the renewed sign-in to the linked file", "account", id, "err", err)
				acct.LastProblem = ProblemOf(&LinkError{Err: err})
			}
		}
		// The token is safe; if this fails, only the displayed metadata
		// is stale, and it is written again at the next try.
		metaErr = tx.PutAccount(acct)
		out = nt
		events = append(events, Event{Account: id, Kind: EventRefreshed, Expiry: acct.Expiry, At: now})
		return nil
	})
	for _, e := range events {
		k.emit(e)
	}
	if err != nil {
		return nil, err
	}
	if metaErr != nil {
		k.cfg.Logger.Warn("could not update account metadata; trying again later", "account", id, "err", metaErr)
		k.scheduleRetry(id, metaErr, k.cfg.Now())
		return out, nil
	}
	k.succeeded(id)
	return out, nil
}

// storeFailed records a refresh that failed in the store (the keyring, a
// full disk): the account is retried with backoff like a transient failure,
// so that the scheduler never spins on it. It returns the event to announce.
func (k *Keeper) storeFailed(tx AccountTx, a store.Account, err error) []Event {
	now := k.cfg.Now()
	next := k.scheduleRetry(a.ID, err, now)
	a.Status, a.LastProblem, a.LastError = StatusFailing, ProblemOf(err), ""
	if perr := tx.PutAccount(a); perr != nil {
		k.cfg.Logger.Warn("could not record a failed refresh", "account", a.ID, "err", perr)
	}
	return []Event{{Account: a.ID, Kind: EventRefreshFailed, Err: err, NextRetry: next, At: now}}
}

// loadUnsaved returns a refreshed token that the store refused earlier
// (saving it now), else the stored one.
func (k *Keeper) loadUnsaved(tx AccountTx, id string) (*oauth2.Token, error) {
	k.mu.Lock()
	u := k.unsaved[id]
	k.mu.Unlock()
	if u == nil {
		return tx.LoadToken()
	}
	if err := tx.SaveToken(u); err != nil {
		return nil, err
	}
	k.mu.Lock()
	delete(k.unsaved, id)
	k.mu.Unlock()
	return u, nil
}

// refreshed is acct after a successful refresh.
func refreshed(a store.Account, p auth.Provider, old, nt *oauth2.Token, now time.Time) store.Account {
	a.Expiry = nt.Expiry
	a.LastRefresh = now
	a.Status = StatusOK
	a.LastProblem, a.LastError = store.Problem{}, ""
	if s := auth.Scopes(nt); len(s) > 0 {
		a.Scopes = s
	}
	if st, ok := nt.Extra("subscription_type").(string); ok && st != "" {
		if a.Extra == nil {
			a.Extra = map[string]string{}
		}
		a.Extra["subscription_type"] = st
	}
	if p.RefreshTokenLifetime > 0 && (auth.Rotated(old, nt) || p.Rotation == auth.RotationAlways) {
		a.RefreshExpiry = now.Add(p.RefreshTokenLifetime)
	}
	return a
}

// failed records a failed refresh in the metadata and returns the events to
// announce once the lock is released.
func (k *Keeper) failed(tx AccountTx, a store.Account, tok *oauth2.Token, p auth.Provider, err error, now time.Time) []Event {
	var events []Event
	a.LastProblem, a.LastError = ProblemOf(err), ""
	if auth.KindOf(err) == auth.KindReconnect {
		if a.Status != StatusReconnect {
			events = append(events, Event{Account: a.ID, Kind: EventReconnectNeeded, Err: err, At: now})
		}
		a.Status = StatusReconnect
		k.mu.Lock()
		delete(k.retries, a.ID)
		k.mu.Unlock()
	} else {
		a.Status = StatusFailing
		next := k.scheduleRetry(a.ID, err, now)
		events = append(events, Event{Account: a.ID, Kind: EventRefreshFailed, Err: err, NextRetry: next, At: now})
		if !k.validFor(a.ID, tok, a, k.margin(p, a)) {
			events = append(events, Event{Account: a.ID, Kind: EventExpiringSoon, Expiry: k.expiryOf(a.ID, tok, a), Err: err, At: now})
		}
	}
	if perr := tx.PutAccount(a); perr != nil {
		k.cfg.Logger.Warn("could not record a failed refresh", "account", a.ID, "err", perr)
	}
	return events
}

// scheduleRetry sets the next attempt after a transient failure: the
// backoff's next interval, or the server's Retry-After if longer.
func (k *Keeper) scheduleRetry(id string, err error, now time.Time) time.Time {
	k.mu.Lock()
	defer k.mu.Unlock()
	r := k.retries[id]
	if r == nil {
		r = &retry{b: k.cfg.Backoff()}
		k.retries[id] = r
	}
	wait := r.b.NextBackOff()
	var ae *auth.Error
	if errors.As(err, &ae) && ae.RetryAfter > wait {
		wait = ae.RetryAfter
	}
	r.next = now.Add(wait)
	return r.next
}

func (k *Keeper) succeeded(id string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.retries, id)
	delete(k.said[id], EventExpiringSoon)
}

// retryAt is when a failing account may be tried again (zero: any time).
func (k *Keeper) retryAt(id string) time.Time {
	k.mu.Lock()
	defer k.mu.Unlock()
	if r := k.retries[id]; r != nil {
		return r.next
	}
	return time.Time{}
}

// link is the account's linked file, or nil.
func (k *Keeper) link(a store.Account) Link {
	if k.cfg.Link == nil {
		return nil
	}
	return k.cfg.Link(a)
}

// linkSlack is how much earlier than ours a linked file's pair may expire
// and still be taken as newer: expiries are counted from whole seconds
// (expires_in) by two programs, so a pair renewed just after ours can
// seem to expire a little sooner. A stale pair written back by the other
// program expires a whole refresh interval sooner.
const linkSlack = time.Minute

// newerInLink returns the pair in the linked file when it is not tok's and
// expires no earlier (within linkSlack): the other program renewed the
// sign-in since, or signed in again. A file that is gone or unreadable is
// passed over (the other program signed out; Tokentray goes on with its
// own pair).
func (k *Keeper) newerInLink(link Link, id string, tok *oauth2.Token) *oauth2.Token {
	if link == nil || tok == nil {
		return nil
	}
	ft, err := link.Read()
	if err != nil {
		// Not a warning: Claude Code signing out removes its file, and
		// every token asked for would then say so on stderr.
		k.cfg.Logger.Info("the linked credentials file is unreadable; going on without it", "account", id, "err", err)
		return nil
	}
	if ft.RefreshToken == tok.RefreshToken || ft.Expiry.Before(tok.Expiry.Add(-linkSlack)) {
		return nil
	}
	return ft
}
