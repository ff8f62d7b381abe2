package keeper

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
)

// refresh re-reads the stored token holding the account's lock
// (TokenStore.Locked) and refreshes it unless it is (now) valid for minValid
// and not stale (an access token a service refused; "" for none). It runs on
// the keeper's context, not the caller's, so that an answered refresh is
// always stored. Its events are announced once the lock is released.
func (k *Keeper) refresh(id string, minValid time.Duration, stale string) (*oauth2.Token, error) {
	if !k.track() {
		return nil, ErrClosed
	}
	defer k.wg.Done()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(k.ctx), refreshTimeout)
	defer cancel()

	r := &refreshTx{k: k, id: id, minValid: minValid, stale: stale}
	err := k.cfg.Tokens.Locked(ctx, id, func(tx AccountTx) error {
		r.tx = tx
		return r.run(ctx)
	})
	for _, e := range r.events {
		k.emit(e)
	}
	if err != nil {
		return nil, err
	}
	if r.metaErr != nil {
		k.cfg.Logger.Warn("could not update account metadata; trying again later", "account", id, "err", r.metaErr)
		k.scheduleRetry(id, r.metaErr, k.cfg.Now())
		return r.out, nil
	}
	k.succeeded(id)
	return r.out, nil
}

// refreshTx is one refresh while the account's lock is held: what its steps
// have read and changed, and what it hands back once the lock is released.
type refreshTx struct {
	k        *Keeper
	tx       AccountTx
	id       string
	minValid time.Duration
	stale    string // an access token a service refused; "" for none

	acct store.Account // as stored; the steps change it before writing it
	link Link          // the account's linked file, or nil
	tok  *oauth2.Token // the pair refreshed from: the stored one, or one adopted

	out     *oauth2.Token // the token handed out
	events  []Event       // announced once the lock is released
	metaErr error         // the token is safe, but its metadata was not written
}

// run is the refresh's steps: read the account and its token, adopt a pair
// the linked file has renewed (adoptLinked), adopt a token that is valid
// already (adoptValid), else call the provider (call) and persist the new
// pair (persist). When the provider refuses the pair of a linked account,
// the linked file's newer pair, if any, is adopted (adoptRaced) or refreshed
// in turn. A failure of the store or of the provider's answer is recorded
// in the account (storeRefused, Keeper.failed); others (reading the
// account, finding its provider, an account that needs reconnecting) are
// only returned, and the scheduler backs off on them (startRefresh).
func (r *refreshTx) run(ctx context.Context) error {
	acct, err := r.tx.Account()
	if err != nil {
		return err
	}
	r.acct, r.link = acct, r.k.link(acct)
	if r.acct.Status == StatusReconnect && r.link == nil {
		return errNeedsReconnect()
	}
	if r.tok, err = r.k.loadUnsaved(r.tx, r.id); err != nil {
		return r.storeRefused(err)
	}
	if err := r.adoptLinked(); err != nil {
		return err
	}
	if r.adoptValid() {
		return nil
	}
	p, err := r.k.cfg.Provider(ctx, r.acct)
	if err != nil {
		return fmt.Errorf("provider of %s: %w", r.id, err)
	}
	nt, dl, err := r.call(ctx, p)
	if auth.KindOf(err) == auth.KindReconnect {
		if ft := r.k.newerInLink(r.link, r.id, r.tok); ft != nil {
			// The other program spent the pair at the same moment and
			// wrote its new one: take that, refreshing it if need be.
			if err := r.takeLinked(ft); err != nil {
				return err
			}
			if r.adoptRaced() {
				return nil
			}
			nt, dl, err = r.call(ctx, p)
		}
	}
	now := r.k.cfg.Now()
	if err != nil {
		r.events = append(r.events, r.k.failed(r.tx, r.acct, r.tok, p, err, now)...)
		return err
	}
	return r.persist(p, nt, dl, now)
}

// errNeedsReconnect is what refreshing an account that needs reconnecting
// returns.
func errNeedsReconnect() error {
	return &auth.Error{Kind: auth.KindReconnect, Op: "refresh", Err: errors.New("account needs reconnecting")}
}

// adoptLinked takes the linked file's pair when the other program renewed
// the sign-in (or signed in again) since (newerInLink): that made ours
// stale. An account that needs reconnecting is OK again with such a pair,
// and needs reconnecting still without one.
func (r *refreshTx) adoptLinked() error {
	ft := r.k.newerInLink(r.link, r.id, r.tok)
	if r.acct.Status == StatusReconnect && ft == nil {
		return errNeedsReconnect()
	}
	if ft == nil {
		return nil
	}
	// The other program refreshed (or signed in again): take its
	// pair, which made ours stale.
	if err := r.takeLinked(ft); err != nil {
		return err
	}
	if r.acct.Status == StatusReconnect {
		// Signed in again there: the account works again.
		r.acct.Status, r.acct.LastProblem, r.acct.LastError, r.acct.Expiry = StatusOK, store.Problem{}, "", time.Time{}
		r.events = append(r.events, Event{Account: r.id, Kind: EventConnected, At: r.k.cfg.Now()})
	}
	return nil
}

// takeLinked stores ft, a pair from the linked file, as the account's token,
// and makes it the pair refreshed from.
func (r *refreshTx) takeLinked(ft *oauth2.Token) error {
	if err := r.tx.SaveToken(ft); err != nil {
		return r.storeRefused(err)
	}
	r.tok = ft
	return nil
}

// adoptValid hands out the token as it is when it is valid for minValid and
// not the stale one: another process (or goroutine) refreshed it, the
// linked file had a newer pair, or it was valid all along (EnsureFresh
// sends every linked account here). When the token's expiry is known and the
// metadata says another (an earlier metadata write failed, or the pair was
// just taken from the linked file), the metadata is set to it and the
// account to OK. It reports whether it adopted the token.
func (r *refreshTx) adoptValid() bool {
	if !(r.k.validFor(r.id, r.tok, r.acct, r.minValid) && (r.stale == "" || r.tok.AccessToken != r.stale)) {
		return false
	}
	r.out = r.tok // another process (or goroutine) refreshed it: adopt
	if auth.ExpiryKnown(r.tok) && !r.acct.Expiry.Equal(r.tok.Expiry) {
		// An earlier metadata write failed (a full disk): repair.
		r.acct.Expiry, r.acct.Status, r.acct.LastProblem, r.acct.LastError = r.tok.Expiry, StatusOK, store.Problem{}, ""
		if r.metaErr = r.tx.PutAccount(r.acct); r.metaErr == nil {
			r.events = append(r.events, Event{Account: r.id, Kind: EventRefreshed, Expiry: r.acct.Expiry, At: r.k.cfg.Now()})
		}
	}
	return true
}

// adoptRaced hands out the pair just taken from the linked file after the
// provider refused ours, when it is valid for minValid: the account is OK
// until its expiry. It reports whether it did; if not, the caller refreshes
// that pair.
func (r *refreshTx) adoptRaced() bool {
	if !r.k.validFor(r.id, r.tok, r.acct, r.minValid) {
		return false
	}
	r.acct.Expiry, r.acct.Status, r.acct.LastProblem, r.acct.LastError = r.tok.Expiry, StatusOK, store.Problem{}, ""
	r.metaErr, r.out = r.tx.PutAccount(r.acct), r.tok
	r.events = append(r.events, Event{Account: r.id, Kind: EventRefreshed, Expiry: r.acct.Expiry, At: r.k.cfg.Now()})
	return true
}

// call asks the provider's token endpoint for a new pair for r.tok. When
// the answer gives a lifetime, the new pair's expiry is counted from when it
// asked, and dl is that expiry on the wall and the monotonic clock; dl is
// nil when the answer gives none.
func (r *refreshTx) call(ctx context.Context, p auth.Provider) (nt *oauth2.Token, dl *deadline, err error) {
	asked, askedMono := r.k.cfg.Now(), time.Now()
	nt, err = auth.Refresh(ctx, r.k.cfg.HTTPClient, p, r.tok)
	if nt != nil && nt.ExpiresIn > 0 {
		// Count the lifetime on the keeper's clock from when we asked,
		// as x/oauth2 would on time.Now from when the answer came.
		life := time.Duration(nt.ExpiresIn) * time.Second
		nt.Expiry = asked.Add(life)
		dl = &deadline{wall: nt.Expiry, mono: askedMono.Add(life)}
	}
	return nt, dl, err
}

// storeRefused records that the store refused to read or write the
// account's token (Keeper.storeFailed) and returns err.
func (r *refreshTx) storeRefused(err error) error {
	r.events = append(r.events, r.k.storeFailed(r.tx, r.acct, err)...)
	return err
}
