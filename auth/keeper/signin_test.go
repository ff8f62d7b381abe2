package keeper

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store"
)

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
