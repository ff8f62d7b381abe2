// Package accounts is the accounts app (App): Tokentray's application,
// which the tray and the command line share. An App opens the store, reads
// the managed settings, resolves providers (presets, overrides and custom
// ones, with their client credentials) and changes them, runs the keeper,
// connects, imports and disconnects accounts, and keeps the settings,
// connection profiles and recent events. It has no GUI and never imports
// Fyne; OAuth is auth's (a token's life the keeper's), OS integration
// ui/system's.
//
// Where to look: app.go (App, Open, Close), providers.go (reading
// providers), providerchange.go (changing them: ChangeProvider),
// policy.go (managed settings), find.go (finding and naming accounts),
// connect.go, claude.go (importing Claude sign-ins), disconnect.go,
// errors.go (the errors of those; policy.go, profile.go, gateway.go and
// tokens.go keep their own), settings.go, profile.go (connection
// profiles), gateway.go, events.go and tokens*.go.
package accounts

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/policy"
)

// Options configures Open. The zero value is usable.
type Options struct {
	// Dir is the store's directory; default store.DefaultDir().
	Dir string
	// Service is the keyring service name the store's sealing key is kept
	// under; default KeyringServiceEnv's in a test session, else the
	// store's ("tokentray").
	Service    string
	HTTPClient *http.Client
	Logger     *slog.Logger
	// ReadPolicy reads the managed settings; default policy.Load.
	ReadPolicy func() *policy.Policy
}

// KeyringServiceEnv names the environment variable that tells a program
// under test (the tokentray command, the desktop app) the keyring service
// of its store, so that each test package keeps its sealing key apart from
// every other package's and from the user's. Open honours it only in the
// private test session (testdata/session.sh sets TOKENTRAY_TEST_SESSION):
// a user's environment never moves their tokens to another service.
const KeyringServiceEnv = "TOKENTRAY_KEYRING_SERVICE"

// keyringService is the keyring service Open gives the store: opts',
// else KeyringServiceEnv's in a test session, else "" (the store's
// default).
func keyringService(opts Options) string {
	if opts.Service == "" && os.Getenv("TOKENTRAY_TEST_SESSION") != "" {
		return os.Getenv(KeyringServiceEnv)
	}
	return opts.Service
}

// App is an open store with its keeper. Close it when done.
type App struct {
	store  *store.Store
	keeper *keeper.Keeper
	http   *http.Client
	log    *slog.Logger
	// readPolicy and managed: the managed settings (policy.go).
	readPolicy func() *policy.Policy
	managed    managed
}

// Open opens the store and makes a keeper (not started: the tray starts
// it, the CLI only asks it for tokens).
func Open(opts Options) (*App, error) {
	st, err := store.Open(store.Options{Dir: opts.Dir, Service: keyringService(opts)})
	if err != nil {
		return nil, err
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if opts.ReadPolicy == nil {
		opts.ReadPolicy = policy.Load
	}
	a := &App{store: st, http: opts.HTTPClient, log: opts.Logger, readPolicy: opts.ReadPolicy}
	a.managed.pol = a.loadPolicy()
	settings, err := loadSettings(st)
	if err != nil {
		a.log.Warn("settings unreadable; using the defaults", "err", err)
	}
	a.keeper = keeper.New(keeper.Config{
		Store: st,
		Provider: func(ctx context.Context, acct store.Account) (auth.Provider, error) {
			return a.Provider(ctx, acct.Provider)
		},
		// Statuses (list, status, the window) and due times need no secret:
		// they never wait on the keyring.
		ProviderSettings: func(_ context.Context, acct store.Account) (auth.Provider, error) {
			return a.providerSettings(acct.Provider)
		},
		HTTPClient: opts.HTTPClient,
		Logger:     opts.Logger,
		Margin:     time.Duration(settings.RefreshMarginMinutes) * time.Minute,
		Link:       linkedFile,
	})
	return a, nil
}

// Close stops the keeper.
func (a *App) Close() error { return a.keeper.Close() }

// Statuses is the keeper's view of every account.
func (a *App) Statuses() ([]keeper.Status, error) { return a.keeper.Statuses() }

// Subscribe subscribes to the keeper's events.
func (a *App) Subscribe(buffer int) (<-chan keeper.Event, func()) { return a.keeper.Subscribe(buffer) }

// EnsureFresh is the keeper's EnsureFresh: the one way tokens are handed
// out.
func (a *App) EnsureFresh(ctx context.Context, id string, minValid time.Duration) (*auth.Token, error) {
	return a.keeper.EnsureFresh(ctx, id, minValid)
}

// StartKeeper starts background refreshing (the tray does; the CLI does
// not).
func (a *App) StartKeeper() { a.keeper.Start() }

// CheckKeyring asks whether the store's keyring works (store's
// CheckKeyring: its service name and timeout).
func (a *App) CheckKeyring(ctx context.Context) error { return a.store.CheckKeyring(ctx) }

// ConfigDir is where the store lives.
func (a *App) ConfigDir() string { return a.store.Dir() }
