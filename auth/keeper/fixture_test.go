package keeper

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v5"
	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
)

// fixture is a real authorization server, a store on the real keyring, and
// a movable clock.
type fixture struct {
	t      testing.TB
	ctx    context.Context
	srv    *authtest.Server
	st     *store.Store
	p      auth.Provider
	offset atomic.Int64 // added to the keeper's clock
	frozen atomic.Int64 // when set (UnixNano), the clock stands still there
}

func newFixture(t testing.TB, cfg authtest.Config) *fixture {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	f := &fixture{t: t, ctx: ctx, srv: authtest.NewServer(t, cfg), st: storetest.Open(t)}
	// A rotating provider with a public client: every refresh replaces the
	// refresh token, and spending an old one revokes the grant.
	f.p = auth.Generic(f.srv.URL+authtest.PathAuthorize, f.srv.URL+authtest.PathToken)
	f.p.ClientID = authtest.PublicClientID
	return f
}

func (f *fixture) now() time.Time {
	base := time.Now()
	if fr := f.frozen.Load(); fr != 0 {
		base = time.Unix(0, fr)
	}
	return base.Add(time.Duration(f.offset.Load()))
}

// freeze stops the keeper's clock: from now on only offset moves it.
func (f *fixture) freeze() { f.frozen.Store(time.Now().UnixNano()) }

// seed stores a freshly issued grant as account id, its access token taken
// to expire at expiry (on the keeper's clock).
func (f *fixture) seed(id string, expiry time.Time) *oauth2.Token {
	f.t.Helper()
	issued, err := f.srv.IssueTokens(f.ctx, "openid")
	if err != nil {
		f.t.Fatal(err)
	}
	storetest.Secret(f.t, issued.AccessToken, issued.RefreshToken)
	tok := &oauth2.Token{AccessToken: issued.AccessToken, RefreshToken: issued.RefreshToken, TokenType: "bearer", Expiry: expiry}
	now := f.now()
	err = f.st.Update(f.ctx, func(tx *store.Tx) error {
		if err := tx.SaveToken(id, tok); err != nil {
			return err
		}
		return tx.PutAccount(store.Account{ID: id, Provider: "generic", Name: id, Expiry: expiry, Connected: now, Status: StatusOK})
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return tok
}

func (f *fixture) keeper(mod func(*Config)) *Keeper {
	cfg := Config{
		Store:    f.st,
		Provider: func(context.Context, store.Account) (auth.Provider, error) { return f.p, nil },
		Now:      f.now,
		Backoff: func() *backoff.ExponentialBackOff {
			b := backoff.NewExponentialBackOff()
			b.InitialInterval, b.MaxInterval = 20*time.Millisecond, 200*time.Millisecond
			return b
		},
	}
	if mod != nil {
		mod(&cfg)
	}
	k := New(cfg)
	f.t.Cleanup(func() { k.Close() })
	return k
}

// secretTokens declares every token EnsureFresh hands out in a test.
func secretToken(t testing.TB, tok *oauth2.Token) {
	storetest.Secret(t, tok.AccessToken, tok.RefreshToken)
}

// watcher reads a subscription and keeps every event it sees.
type watcher struct {
	t      testing.TB
	events <-chan Event
	seen   []Event
}

func (f *fixture) watch(k *Keeper) *watcher {
	ch, _ := k.Subscribe(256)
	return &watcher{t: f.t, events: ch}
}

// next waits for the next event of one of kinds; events of other kinds are
// kept in seen too.
func (w *watcher) next(kinds ...EventKind) Event {
	w.t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case e, ok := <-w.events:
			if !ok {
				w.t.Fatal("event channel closed")
			}
			w.seen = append(w.seen, e)
			for _, k := range kinds {
				if e.Kind == k {
					return e
				}
			}
		case <-deadline:
			w.t.Fatalf("no %v event in 30 s", kinds)
		}
	}
}

// count drains what is left (after Close) and counts the events of kind.
func (w *watcher) count(kind EventKind) int {
	for e := range w.events {
		w.seen = append(w.seen, e)
	}
	n := 0
	for _, e := range w.seen {
		if e.Kind == kind {
			n++
		}
	}
	return n
}
