package accounts

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/gateway"
)

// GatewaySettings are the local gateway's preferences (Settings.Gateway).
type GatewaySettings struct {
	// On: the desktop app serves the gateway. Off until the user turns it
	// on.
	On bool `json:"on,omitempty"`
	// Port is the port chosen the first time the gateway started (0: not
	// yet), kept so that the addresses tools were given stay good.
	Port int `json:"port,omitempty"`
}

// Account flags of the gateway, in store.Account.Extra.
const (
	// extraGatewayChanges: the user allowed changes (POST, PUT, PATCH,
	// DELETE) through the gateway for the account.
	extraGatewayChanges = "gateway_changes"
	// extraGatewayWrapper: the user allowed the gateway to send the
	// account's credentials, refresh token included, to its Claude
	// wrapper.
	extraGatewayWrapper = "gateway_wrapper"
	allowed             = "allowed"
)

// gatewayKeyName is the sealed secret holding the gateway key.
const gatewayKeyName = "gateway-key"

// portTries is how many ports from the wanted one the gateway tries when
// it is taken (by another user's gateway on a shared machine, say).
const portTries = 20

// Route is where the gateway sends the requests of the account that name
// (a name or an ID) picks: gateway.Accounts.
func (a *App) Route(name string) (gateway.Route, error) {
	acct, err := a.Find(name)
	if errors.Is(err, ErrNoAccount) || errors.Is(err, ErrAmbiguous) {
		return gateway.Route{}, fmt.Errorf("%w: %w", gateway.ErrUnknownAccount, err)
	}
	if err != nil {
		return gateway.Route{}, err
	}
	p, err := a.providerSettings(acct.Provider)
	if err != nil {
		return gateway.Route{}, err
	}
	if p.APIBase == "" {
		return gateway.Route{}, fmt.Errorf("%s: %w", p.ID, gateway.ErrNoUpstream)
	}
	u, err := auth.CheckAPIBase(p.APIBase)
	if err != nil {
		return gateway.Route{}, fmt.Errorf("%s: %w: %w", p.ID, gateway.ErrNoUpstream, err)
	}
	if p.APIWrapper && acct.Extra[extraGatewayWrapper] != allowed {
		return gateway.Route{}, gateway.ErrWrapperOff
	}
	return gateway.Route{Account: acct, Upstream: u, Wrapper: p.APIWrapper, Writes: acct.Extra[extraGatewayChanges] == allowed}, nil
}

// Renew is the keeper's Renew: a token other than stale, which a service
// refused (gateway.Accounts).
func (a *App) Renew(ctx context.Context, id, stale string, minValid time.Duration) (*auth.Token, error) {
	return a.keeper.Renew(ctx, id, stale, minValid)
}

// GatewayAllow sets what the gateway may do for an account: changes
// (POST, PUT, PATCH, DELETE) and, for a Claude account, sending its
// credentials to the wrapper.
func (a *App) GatewayAllow(ctx context.Context, id string, changes, wrapper bool) error {
	return a.store.UpdateAccount(ctx, id, func(tx *store.AccountTx) error {
		acct, err := tx.Account()
		if err != nil {
			return err
		}
		set := func(key string, on bool) {
			if on {
				if acct.Extra == nil {
					acct.Extra = map[string]string{}
				}
				acct.Extra[key] = allowed
			} else {
				delete(acct.Extra, key)
			}
		}
		set(extraGatewayChanges, changes)
		set(extraGatewayWrapper, wrapper)
		return tx.PutAccount(acct)
	})
}

// GatewayAllows says what the gateway may do for acct (GatewayAllow).
func GatewayAllows(acct store.Account) (changes, wrapper bool) {
	return acct.Extra[extraGatewayChanges] == allowed, acct.Extra[extraGatewayWrapper] == allowed
}

// GatewayKey returns the gateway key, making it the first time: 256
// random bits, sealed like every secret.
func (a *App) GatewayKey(ctx context.Context) (string, error) {
	key, err := a.store.LoadSecret(ctx, gatewayKeyName)
	if err == nil {
		return string(key), nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	return a.NewGatewayKey(ctx)
}

// NewGatewayKey replaces the gateway key: tools given the old one are
// refused from now on (a running gateway takes the new one at its next
// request).
func (a *App) NewGatewayKey(ctx context.Context) (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("make gateway key: %w", err)
	}
	key := base64.RawURLEncoding.EncodeToString(raw)
	err := a.store.Update(ctx, func(tx *store.Tx) error { return tx.SaveSecret(gatewayKeyName, []byte(key)) })
	if err != nil {
		return "", err
	}
	return key, nil
}

// SetGateway turns the gateway on or off (the desktop app follows within
// a few seconds).
func (a *App) SetGateway(ctx context.Context, on bool) error {
	if on && !a.GatewayAllowed() {
		return &ManagedError{What: ManagedGateway, By: ManagedBy(a.Policy())}
	}
	return a.updateSettings(ctx, func(s *Settings) { s.Gateway.On = on })
}

// GatewayAddress is the gateway's address at port: what tools are given.
func GatewayAddress(port int) string {
	return "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
}

// GatewayAccountAddress is the gateway's address of one account.
func GatewayAccountAddress(port int, acct store.Account) string {
	return GatewayAddress(port) + "/" + url.PathEscape(acct.Name) + "/"
}

// PortBusyError: the gateway's port is taken (and was not to be moved).
type PortBusyError struct {
	Port int
	Err  error
}

func (e *PortBusyError) Error() string { return fmt.Sprintf("gateway port %d: %v", e.Port, e.Err) }
func (e *PortBusyError) Unwrap() error { return e.Err }

// ListenGateway listens for the gateway on its port, loopback only: the one
// chosen before, or DefaultPort the first time. When that is taken — by
// another user's gateway on a shared machine, say — then with move it takes
// the next free one of the portTries after it and keeps it from then on
// (the caller says so: the port differs from the one in Settings); without
// move it is a *PortBusyError.
func (a *App) ListenGateway(ctx context.Context, move bool) ([]net.Listener, int, error) {
	s, err := a.Settings()
	if err != nil {
		return nil, 0, err
	}
	want := s.Gateway.Port
	if want == 0 {
		want = gateway.DefaultPort
	}
	tries := 1
	if move {
		tries = portTries
	}
	var lns []net.Listener
	port := want
	for ; port < want+tries; port++ {
		if lns, err = gateway.Listen(ctx, port); err == nil {
			break
		}
	}
	if err != nil {
		return nil, 0, &PortBusyError{Port: want, Err: err}
	}
	if port != s.Gateway.Port {
		if err := a.updateSettings(ctx, func(s *Settings) { s.Gateway.Port = port }); err != nil {
			for _, l := range lns {
				l.Close()
			}
			return nil, 0, err
		}
	}
	return lns, port, nil
}

// ServeGateway serves the gateway on lns until ctx is done.
func (a *App) ServeGateway(ctx context.Context, lns []net.Listener, log *slog.Logger) error {
	if _, err := a.GatewayKey(ctx); err != nil { // made the first time
		return err
	}
	return a.Gateway(log).Serve(ctx, lns...)
}

// Gateway is the gateway of this app's accounts, with its key.
func (a *App) Gateway(log *slog.Logger) *gateway.Server {
	key := func(ctx context.Context) (string, error) {
		k, err := a.store.LoadSecret(ctx, gatewayKeyName)
		return string(k), err
	}
	return gateway.New(gateway.Config{Accounts: a, Key: key, Logger: log, Transport: a.http.Transport})
}

// gatewayLook is how often RunGateway reads the settings: how long
// `tokentray gateway on|off` takes to reach a running app.
const gatewayLook = 3 * time.Second

// GatewayState is what RunGateway is doing: serving at Port (0: not
// serving); MovedFrom, when the port it had was taken and it moved; Err,
// why it could not serve.
type GatewayState struct {
	Port, MovedFrom int
	Err             error
}

func (s GatewayState) same(o GatewayState) bool {
	return s.Port == o.Port && s.MovedFrom == o.MovedFrom && (s.Err == nil) == (o.Err == nil) &&
		(s.Err == nil || s.Err.Error() == o.Err.Error())
}

// RunGateway serves the gateway whenever the settings say it is on, until
// ctx is done, and stops it when they say off: it reads them at start,
// when wake receives, and every few seconds (so that `tokentray gateway
// on|off` reaches a running app). report is told each change, from
// RunGateway's goroutine. A gateway that could not start is tried again
// at the next look.
func (a *App) RunGateway(ctx context.Context, wake <-chan struct{}, log *slog.Logger, report func(GatewayState)) {
	var (
		stop context.CancelFunc
		done chan error // the serving goroutine's end; nil while not serving
		last GatewayState
	)
	set := func(st GatewayState) {
		if !st.same(last) {
			last = st
			report(st)
		}
	}
	halt := func() {
		if done != nil {
			stop()
			<-done
			stop, done = nil, nil
		}
	}
	defer halt()
	look := time.NewTicker(gatewayLook)
	defer look.Stop()
	for {
		switch s, err := a.Settings(); {
		case err != nil:
			log.Warn("gateway: cannot read the settings", "err", err)
		case s.Gateway.On && done == nil:
			lns, port, err := a.ListenGateway(ctx, true)
			if err != nil {
				set(GatewayState{Err: err})
				break
			}
			st := GatewayState{Port: port}
			if s.Gateway.Port != 0 && port != s.Gateway.Port {
				st.MovedFrom = s.Gateway.Port
			}
			sctx, cancel := context.WithCancel(ctx)
			stop, done = cancel, make(chan error, 1)
			go func() { done <- a.ServeGateway(sctx, lns, log) }() // ended by halt
			set(st)
		case !s.Gateway.On && done != nil:
			halt()
			set(GatewayState{})
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-look.C:
		case err := <-done: // it stopped by itself
			stop()
			stop, done = nil, nil
			if err == nil {
				err = errors.New("the gateway stopped")
			}
			set(GatewayState{Err: err})
		}
	}
}
