package keeper

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
)

// memTokens is a TokenStore in memory, for scheduler and backoff tests that
// need no keyring; failSave and failLock inject the store's failures.
type memTokens struct {
	mu       sync.Mutex
	order    []string
	accts    map[string]store.Account
	toks     map[string]oauth2.Token
	locks    map[string]*sync.Mutex
	failSave error
	failLock error
	locked   atomic.Int64 // Locked calls
}

func newMemTokens() *memTokens {
	return &memTokens{accts: map[string]store.Account{}, toks: map[string]oauth2.Token{}, locks: map[string]*sync.Mutex{}}
}

func (m *memTokens) put(a store.Account, tok *oauth2.Token) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.accts[a.ID]; !ok {
		m.order = append(m.order, a.ID)
	}
	m.accts[a.ID] = a
	m.toks[a.ID] = *tok
}

func (m *memTokens) Accounts() ([]store.Account, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.Account
	for _, id := range m.order {
		out = append(out, m.accts[id])
	}
	return out, nil
}

func (m *memTokens) Account(id string) (store.Account, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.accts[id]
	if !ok {
		return store.Account{}, store.ErrNotFound
	}
	return a, nil
}

func (m *memTokens) LoadToken(_ context.Context, id string) (*oauth2.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.toks[id]
	if !ok {
		return nil, store.ErrNotFound
	}
	return &t, nil
}

func (m *memTokens) Locked(_ context.Context, id string, fn func(AccountTx) error) error {
	m.locked.Add(1)
	m.mu.Lock()
	if m.failLock != nil {
		m.mu.Unlock()
		return m.failLock
	}
	l := m.locks[id]
	if l == nil {
		l = &sync.Mutex{}
		m.locks[id] = l
	}
	m.mu.Unlock()
	l.Lock()
	defer l.Unlock()
	return fn(memTx{m, id})
}

type memTx struct {
	m  *memTokens
	id string
}

func (tx memTx) Account() (store.Account, error) { return tx.m.Account(tx.id) }
func (tx memTx) LoadToken() (*oauth2.Token, error) {
	return tx.m.LoadToken(context.Background(), tx.id)
}

func (tx memTx) PutAccount(a store.Account) error {
	tx.m.mu.Lock()
	defer tx.m.mu.Unlock()
	tx.m.accts[a.ID] = a
	return nil
}

func (tx memTx) Delete() error {
	tx.m.mu.Lock()
	defer tx.m.mu.Unlock()
	delete(tx.m.accts, tx.id)
	delete(tx.m.toks, tx.id)
	tx.m.order = slices.DeleteFunc(tx.m.order, func(s string) bool { return s == tx.id })
	return nil
}

func (tx memTx) SaveToken(t *oauth2.Token) error {
	tx.m.mu.Lock()
	defer tx.m.mu.Unlock()
	if tx.m.failSave != nil {
		return tx.m.failSave
	}
	tx.m.toks[tx.id] = *t
	return nil
}

// memKeeper is a keeper on memory, against srv, its clock real.
func memKeeper(t *testing.T, srv *authtest.Server, m *memTokens) (*Keeper, auth.Provider) {
	t.Helper()
	p := auth.Generic(srv.URL+authtest.PathAuthorize, srv.URL+authtest.PathToken)
	p.ClientID = authtest.PublicClientID
	k := New(Config{Tokens: m, Provider: func(context.Context, store.Account) (auth.Provider, error) { return p, nil }})
	t.Cleanup(func() { k.Close() })
	return k, p
}

func issue(t *testing.T, srv *authtest.Server, expiry time.Time) *oauth2.Token {
	t.Helper()
	issued, err := srv.IssueTokens(context.Background(), "openid")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Secret(t, issued.AccessToken, issued.RefreshToken)
	return &oauth2.Token{AccessToken: issued.AccessToken, RefreshToken: issued.RefreshToken, TokenType: "bearer", Expiry: expiry}
}

// TestReconnectAfterUnsavedRefresh: a refresh whose token the store refused
// (a full disk) is kept in memory to be saved at the next try — but a
// reconnect in between is newer, and must not be overwritten by it.
func TestReconnectAfterUnsavedRefresh(t *testing.T) {
	srv := authtest.NewServer(t, authtest.Config{})
	m := newMemTokens()
	k, p := memKeeper(t, srv, m)
	ctx := context.Background()
	m.put(store.Account{ID: "a", Provider: "generic", Name: "a", Connected: time.Now(), Status: StatusOK},
		issue(t, srv, time.Now().Add(-time.Minute)))

	m.failSave = errors.New("no space left on device")
	if _, err := k.EnsureFresh(ctx, "a", time.Minute); err == nil {
		t.Fatal("a refresh the store refused succeeded")
	}
	m.failSave = nil
	unsaved, _ := m.LoadToken(ctx, "a") // what the store still has: the old token
	if unsaved == nil {
		t.Fatal("no token")
	}

	// The user reconnects: a new grant.
	acct, _ := m.Account("a")
	again := issue(t, srv, time.Now().Add(time.Hour))
	if _, err := k.SignedIn(ctx, acct, p, again); err != nil {
		t.Fatal(err)
	}
	// The next refresh starts from the reconnected grant, not from the
	// refreshed token of the old one that the store refused.
	if _, err := k.EnsureFresh(ctx, "a", 2*time.Hour); err != nil {
		t.Fatal(err)
	}
	if srv.RefreshActive(ctx, again.RefreshToken) {
		t.Error("the reconnect's refresh token was never used: an older token was written over it")
	}
	stored, _ := m.LoadToken(ctx, "a")
	if stored == nil || !srv.Accepts(ctx, stored.AccessToken) {
		t.Error("the stored token is not good")
	}
}

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

// TestStatusesSayWhenTheyRenew: Statuses tells when the scheduler will
// refresh each account — its expiry less the margin, the retry when one is
// pending, nothing for an account that must be reconnected — so that the
// window's "renews in 52 min" is the keeper's own plan.
func TestStatusesSayWhenTheyRenew(t *testing.T) {
	srv := authtest.NewServer(t, authtest.Config{})
	m := newMemTokens()
	k, _ := memKeeper(t, srv, m)
	now := time.Now()
	expiry := now.Add(time.Hour)
	m.put(store.Account{ID: "fresh", Provider: "generic", Name: "fresh", Expiry: expiry, Connected: now.Add(-time.Hour), Status: StatusOK},
		issue(t, srv, expiry))
	m.put(store.Account{ID: "dead", Provider: "generic", Name: "dead", Expiry: expiry, Connected: now.Add(-time.Hour), Status: StatusReconnect},
		issue(t, srv, expiry))
	sts, err := k.Statuses()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sts {
		switch s.ID {
		case "fresh":
			_, margin, _ := k.due(s.Account)
			if want := expiry.Add(-margin); margin <= 0 || !s.RenewAt.Equal(want) {
				t.Errorf("fresh account renews at %v, want %v (expiry less the margin %v)", s.RenewAt, want, margin)
			}
		case "dead":
			if !s.RenewAt.IsZero() {
				t.Errorf("an account that needs reconnecting renews at %v: want never", s.RenewAt)
			}
		}
	}
}
