package keeper

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store"
)

// errLockedKeyring stands for what a secret read gives with the keyring
// locked.
var errLockedKeyring = errors.New("keyring locked: the client secret cannot be read")

// TestStatusesReadNoSecret: showing accounts (Statuses: tokentray list and
// status, the window's first draw), their due times and margins need only
// the provider's settings, never its client secret, whose read waits on
// the keyring (a password prompt, or a timeout, when it is locked). With
// every secret read failing as on a locked keyring, Statuses answers with
// the renewal time the provider's own margin gives, and no secret is read —
// neither by Statuses, nor by a scheduler pass with nothing due, nor by
// EnsureFresh handing out a token that is still good.
func TestStatusesReadNoSecret(t *testing.T) {
	srv := authtest.NewServer(t, authtest.Config{})
	m := newMemTokens()
	p := auth.Generic(srv.URL+authtest.PathAuthorize, srv.URL+authtest.PathToken)
	p.ClientID = authtest.ClientID
	p.RefreshMargin = 10 * time.Minute // not the keeper's default: RenewAt must come from the settings
	var secretReads atomic.Int64
	k := New(Config{
		Tokens: m,
		Provider: func(context.Context, store.Account) (auth.Provider, error) {
			secretReads.Add(1)
			return auth.Provider{}, errLockedKeyring
		},
		ProviderSettings: func(context.Context, store.Account) (auth.Provider, error) { return p, nil },
	})
	t.Cleanup(func() { k.Close() })
	now := time.Now()
	expiry := now.Add(time.Hour)
	m.put(store.Account{ID: "a", Provider: "generic", Name: "a", Expiry: expiry, Connected: now, Status: StatusOK},
		issue(t, srv, expiry))

	sts, err := k.Statuses()
	if err != nil {
		t.Fatalf("Statuses with the client secret unreadable: %v", err)
	}
	if len(sts) != 1 {
		t.Fatalf("%d statuses, want 1", len(sts))
	}
	if want := expiry.Add(-p.RefreshMargin); !sts[0].RenewAt.Equal(want) {
		t.Errorf("renews at %v, want %v (the expiry less the provider's margin of %v)", sts[0].RenewAt, want, p.RefreshMargin)
	}
	if n := secretReads.Load(); n != 0 {
		t.Errorf("Statuses read the client secret %d times, want never", n)
	}

	if next := k.tick(); !next.After(now) {
		t.Errorf("a pass with nothing due looks again at %v, want a later time", next)
	}
	if n := secretReads.Load(); n != 0 {
		t.Errorf("a scheduler pass with nothing due read the client secret %d times, want never", n)
	}

	if _, err := k.EnsureFresh(context.Background(), "a", time.Minute); err != nil {
		t.Errorf("EnsureFresh of a token still good: %v", err)
	}
	if n := secretReads.Load(); n != 0 {
		t.Errorf("EnsureFresh of a token still good read the client secret %d times, want never", n)
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
