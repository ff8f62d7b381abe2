// Package keeper keeps every account's token fresh: one scheduler refreshes
// each token before it expires, and EnsureFresh (with Renew, for a token a
// service refused) is the one path by which any token is handed out
// (clipboard, CLI, gateway). It has no GUI.
//
// Refreshes are safe against concurrency and crashes: callers in one process
// share one refresh per account (singleflight); across processes the
// account's own lock (TokenStore.Locked: a lock file per account) is held
// from re-reading the stored token to storing the new one, so a token
// another process already refreshed is adopted, not refreshed again, and a
// refresh of one account never waits for another's; and a rotated refresh
// token is sealed into the store before the new access token is returned or
// announced.
package keeper

import (
	"context"
	"errors"
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
	// refreshTimeout bounds one refresh: waiting for the account's lock,
	// the HTTP call, storing.
	refreshTimeout = 2 * time.Minute
	// maxRefreshes is how many refreshes the scheduler runs side by side
	// (one per account): a provider that is slow to answer holds up only
	// its own accounts.
	maxRefreshes = 4
)

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
	// HTTPClient makes the refresh calls; default: auth's, with a
	// 30-second timeout.
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
	// waits from 5 s, growing 1.5-fold per failure up to 10 minutes, each
	// varied at random by up to ±50 %.
	Backoff func() *backoff.ExponentialBackOff
	// Logger gets progress; never a token. Default slog.Default().
	Logger *slog.Logger
	// Link returns the file through which an account's sign-in is shared
	// with another program (Claude Code's credentials), or nil. A linked
	// account adopts a newer pair from the file before refreshing, writes
	// its new pair back after, and is refreshed LinkedMargin early.
	Link func(store.Account) Link
}

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
	unsaved map[string]*oauth2.Token      // refreshed tokens the store refused (loadUnsaved)
	// deadlines are the expiries of tokens this process obtained, also on
	// the monotonic clock, which the wall clock being set back cannot move.
	deadlines map[string]deadline
	// refreshing are the accounts the scheduler is refreshing; each channel
	// is closed when that refresh has ended.
	refreshing map[string]chan struct{}

	onTick func() // tests: called after each scheduler pass that leaves no refresh of its own running
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

// ErrClosed is returned by EnsureFresh and Renew after Close.
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
