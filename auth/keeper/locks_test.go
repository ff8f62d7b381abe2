package keeper

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
)

// TestFailedRefreshLeavesFutureDueTime: a refresh that fails before
// anything is recorded (the account's lock cannot be taken, as with a
// read-only config folder) still backs off: the scheduler's next look is
// in the future, and running it for a while makes a handful of passes, not
// a busy loop.
func TestFailedRefreshLeavesFutureDueTime(t *testing.T) {
	srv := authtest.NewServer(t, authtest.Config{})
	m := newMemTokens()
	k, _ := memKeeper(t, srv, m)
	expired := time.Now().Add(-time.Minute)
	m.put(store.Account{ID: "a", Provider: "generic", Name: "a", Expiry: expired, Connected: time.Now().Add(-time.Hour), Status: StatusOK},
		issue(t, srv, expired))
	m.failLock = errors.New("open locks/a.lock: read-only file system")
	before := srv.TokenRequests()
	now := time.Now()
	if next := k.tick(); !next.After(now) {
		t.Fatalf("after a failed refresh the next look is at %v, not after %v: the scheduler would spin", next, now)
	}
	if n := srv.TokenRequests() - before; n != 0 {
		t.Errorf("%d token requests without the lock", n)
	}
}

// TestReadOnlyConfigFolderIdles: on the real store, an account whose lock
// file cannot be opened (here a directory stands where it goes, which even
// root cannot open as a file; for other users the folder is also made
// read-only) is retried with backoff: the scheduler makes a few passes in a
// second, not thousands.
func TestReadOnlyConfigFolderIdles(t *testing.T) {
	storetest.LinuxOnly(t, "makes a folder read-only with Unix permissions")
	f := newFixture(t, authtest.Config{})
	f.seed("a", time.Now().Add(-time.Minute))
	if err := os.Mkdir(filepath.Join(f.st.Dir(), "locks", "a.lock"), 0o500); err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(f.st.Dir(), "locks"), 0o500)
	t.Cleanup(func() { os.Chmod(filepath.Join(f.st.Dir(), "locks"), 0o700) })
	before := f.srv.TokenRequests()
	var passes atomic.Int64
	k := f.keeper(func(c *Config) { c.CheckInterval = time.Hour })
	k.onTick = func() { passes.Add(1) }
	k.Start()
	window := time.NewTimer(time.Second) // an observation window, not a synchronisation
	<-window.C
	k.Close()
	if n := passes.Load(); n < 1 || n > 20 {
		t.Errorf("%d scheduler passes in a second with the lock failing: want a few (backoff), not a busy loop", n)
	}
	if n := f.srv.TokenRequests() - before; n != 0 {
		t.Errorf("%d token requests without the lock", n)
	}
}

// TestSlowProviderHoldsUpNoOtherAccount: one provider holds its refresh
// request; meanwhile another account, at another provider, refreshes from
// another store instance (as another process) — it does not wait for the
// first, whose lock is its own. Afterwards the first completes too.
func TestSlowProviderHoldsUpNoOtherAccount(t *testing.T) {
	slow := newFixture(t, authtest.Config{})
	fast := authtest.NewServer(t, authtest.Config{})
	slow.seed("slow", time.Now().Add(-time.Minute))
	issued := issue(t, fast, time.Now().Add(-time.Minute))
	if err := slow.st.Update(slow.ctx, func(tx *store.Tx) error {
		if err := tx.SaveToken("fast", issued); err != nil {
			return err
		}
		return tx.PutAccount(store.Account{ID: "fast", Provider: "fast", Name: "fast", Expiry: issued.Expiry, Connected: time.Now(), Status: StatusOK})
	}); err != nil {
		t.Fatal(err)
	}
	pFast := auth.Generic(fast.URL+authtest.PathAuthorize, fast.URL+authtest.PathToken)
	pFast.ClientID = authtest.PublicClientID

	arrived, release := make(chan struct{}), make(chan struct{})
	px := authtest.NewProxy(t, slow.srv.URL)
	slow.p.Endpoint.TokenURL = px.URL + authtest.PathToken
	px.Inject(authtest.PathToken, authtest.Fault{Handler: func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-release // the provider is slow: it answers when the test lets it
		http.Error(w, "slow", http.StatusServiceUnavailable)
	}})
	k1 := slow.keeper(nil)
	defer k1.Close()
	slowDone := make(chan error, 1)
	go func() {
		_, err := k1.EnsureFresh(slow.ctx, "slow", time.Minute)
		slowDone <- err
	}()
	<-arrived

	other, err := store.Open(store.Options{Dir: slow.st.Dir(), Service: storetest.Service(t)})
	if err != nil {
		t.Fatal(err)
	}
	k2 := New(Config{Store: other, Provider: func(_ context.Context, a store.Account) (auth.Provider, error) {
		if a.ID == "fast" {
			return pFast, nil
		}
		return slow.p, nil
	}})
	defer k2.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tok, err := k2.EnsureFresh(ctx, "fast", time.Minute)
	select {
	case <-slowDone:
		t.Fatal("the slow refresh ended before the other account's refresh was checked")
	default:
	}
	if err != nil {
		t.Fatalf("another account's refresh waited for the slow provider: %v", err)
	}
	storetest.Secret(t, tok.AccessToken, tok.RefreshToken)
	if !fast.Accepts(ctx, tok.AccessToken) {
		t.Error("the other account's token is not good")
	}
	close(release)
	if err := <-slowDone; err == nil || auth.KindOf(err) != auth.KindTransient {
		t.Errorf("the slow provider's 503: %v", err)
	}
}
