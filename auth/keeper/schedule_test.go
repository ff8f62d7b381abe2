package keeper

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store"
)

// tick is one scheduler pass taken to its end, the step tests take instead
// of running the scheduler: it starts the refreshes that are due, as the
// scheduler does, waits for them to end, and returns when the scheduler
// would look again.
func (k *Keeper) tick() time.Time {
	k.pass(true)
	k.settle()
	return k.pass(false)
}

// settle waits until no refresh the scheduler started is running.
func (k *Keeper) settle() {
	for {
		var running chan struct{}
		k.mu.Lock()
		for _, done := range k.refreshing {
			running = done
			break
		}
		k.mu.Unlock()
		if running == nil {
			return
		}
		<-running
	}
}

// TestSlowProviderDelaysNoOtherRefresh: in one app, one provider holds its
// answer to a refresh (for as long as the refresh may take: minutes); an
// account at another provider that is due meanwhile is refreshed by the
// scheduler without waiting for it. Once the held answer comes (a 503), the
// scheduler comes back to that account at its retry time — not only at the
// next check of the wall clock, an hour away — and refreshes it.
func TestSlowProviderDelaysNoOtherRefresh(t *testing.T) {
	slowSrv := authtest.NewServer(t, authtest.Config{})
	fastSrv := authtest.NewServer(t, authtest.Config{})
	px := authtest.NewProxy(t, slowSrv.URL)
	pSlow := auth.Generic(px.URL+authtest.PathAuthorize, px.URL+authtest.PathToken)
	pSlow.ClientID = authtest.PublicClientID
	pFast := auth.Generic(fastSrv.URL+authtest.PathAuthorize, fastSrv.URL+authtest.PathToken)
	pFast.ClientID = authtest.PublicClientID

	m := newMemTokens()
	expired := time.Now().Add(-time.Minute)
	// The slow account comes first: a scheduler refreshing one account
	// after another meets it first.
	m.put(store.Account{ID: "slow", Provider: "slow", Name: "slow", Expiry: expired, Connected: time.Now().Add(-time.Hour), Status: StatusOK},
		issue(t, slowSrv, expired))
	m.put(store.Account{ID: "fast", Provider: "fast", Name: "fast", Expiry: expired, Connected: time.Now().Add(-time.Hour), Status: StatusOK},
		issue(t, fastSrv, expired))

	arrived, release := make(chan struct{}), make(chan struct{})
	px.Inject(authtest.PathToken, authtest.Fault{Handler: func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		select { // held until the test lets it answer
		case <-release:
		case <-r.Context().Done():
		}
		http.Error(w, "slow", http.StatusServiceUnavailable)
	}})
	provider := func(_ context.Context, a store.Account) (auth.Provider, error) {
		if a.Provider == "slow" {
			return pSlow, nil
		}
		return pFast, nil
	}
	k := New(Config{
		Tokens:   m,
		Provider: provider,
		// No HTTP timeout: the held answer lasts as long as the refresh
		// may (refreshTimeout, minutes), far beyond this test's deadline.
		HTTPClient:    &http.Client{},
		CheckInterval: time.Hour, // only a woken scheduler comes back in time
		Backoff: func() *backoff.ExponentialBackOff {
			b := backoff.NewExponentialBackOff()
			b.InitialInterval, b.MaxInterval = 20*time.Millisecond, 200*time.Millisecond
			return b
		},
	})
	t.Cleanup(func() { k.Close() })
	var released atomic.Bool
	letGo := func() {
		if released.CompareAndSwap(false, true) {
			close(release)
		}
	}
	t.Cleanup(letGo) // before Close, which waits for the held refresh
	events, _ := k.Subscribe(64)
	k.Start()

	deadline := time.NewTimer(30 * time.Second) // a generous bound, not a speed assertion
	defer deadline.Stop()
	select {
	case <-arrived:
	case <-deadline.C:
		t.Fatal("the slow account's refresh never reached its provider")
	}
	// The slow provider holds its answer; the other account is due.
	for fastDone := false; !fastDone; {
		select {
		case e := <-events:
			if e.Account == "slow" {
				t.Fatalf("the held refresh of the slow account ended (%v) before its provider answered", e.Kind)
			}
			if e.Account == "fast" && e.Kind == EventRefreshFailed {
				t.Fatalf("the fast account's refresh failed: %v", e.Err)
			}
			fastDone = e.Account == "fast" && e.Kind == EventRefreshed
		case <-deadline.C:
			t.Fatal("the fast account was not refreshed while the slow provider held its answer: it waited for the slow one")
		}
	}
	tok, err := m.LoadToken(context.Background(), "fast")
	if err != nil || !fastSrv.Accepts(context.Background(), tok.AccessToken) {
		t.Errorf("the fast account's stored token is not good at its provider (%v)", err)
	}

	letGo() // the slow provider answers 503; its next try is let through
	var failed bool
	for slowDone := false; !slowDone; {
		select {
		case e := <-events:
			if e.Account != "slow" {
				continue
			}
			failed = failed || e.Kind == EventRefreshFailed
			slowDone = e.Kind == EventRefreshed
		case <-deadline.C:
			t.Fatalf("the slow account was not refreshed again after its provider's 503 (failure seen: %v): "+
				"the scheduler did not come back to it at its retry time", failed)
		}
	}
	if !failed {
		t.Error("the slow account was refreshed without its held attempt failing first")
	}
	tok, err = m.LoadToken(context.Background(), "slow")
	if err != nil || !slowSrv.Accepts(context.Background(), tok.AccessToken) {
		t.Errorf("the slow account's stored token is not good at its provider (%v)", err)
	}
}
