package accounts

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
)

// clioAccount connects a Clio (Europe) account, its endpoints at base (the
// test server, or a proxy in front of it), and if expire, makes its access
// token run out in the store, as a week with the computer off would. It
// returns the app, the account's ID and its refresh token.
func clioAccount(t *testing.T, base string, expire bool) (*App, string, string) {
	t.Helper()
	storetest.RequireSession(t)
	ctx := context.Background()
	a, err := Open(Options{Dir: t.TempDir(), Service: storetest.Service(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	p, _ := auth.PresetAt("clio-eu", base)
	p.Redirect = auth.RedirectLoopback
	p.ClientID, p.ClientSecret = authtest.ClientID, authtest.ClientSecret
	if err := a.SaveProvider(ctx, p); err != nil {
		t.Fatal(err)
	}
	visit := func(u string) error {
		go authtest.Visit(context.Background(), u) //nolint:errcheck // the flow reports failures
		return nil
	}
	acct, err := a.Connect(ctx, "clio-eu", "Firm", auth.ConnectOptions{Open: visit})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := a.store.LoadToken(ctx, acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Secret(t, tok.AccessToken, tok.RefreshToken)
	if !expire {
		return a, acct.ID, tok.RefreshToken
	}
	expired := *tok
	expired.Expiry = time.Now().Add(-time.Hour)
	if err := a.store.Update(ctx, func(tx *store.Tx) error { return tx.SaveToken(acct.ID, &expired) }); err != nil {
		t.Fatal(err)
	}
	return a, acct.ID, tok.RefreshToken
}

// TestDisconnectClioGrantAlreadyEnded: the user removed the app in Clio
// Manage, which ends every token; the refresh before deauthorizing says so
// (or the keeper found it already: "Reconnect needed", the access token
// not yet expired here). Disconnect forgets the account and says there was
// nothing left to revoke, not that Clio refused the client settings.
func TestDisconnectClioGrantAlreadyEnded(t *testing.T) {
	for _, tc := range []struct {
		name             string
		expired, noticed bool
	}{
		{"access token expired", true, false},
		{"keeper found the grant ended", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := authtest.NewServer(t, authtest.Config{})
			a, id, rt := clioAccount(t, srv.URL, tc.expired)
			ctx := context.Background()
			if err := srv.Revoke(ctx, rt); err != nil {
				t.Fatal(err)
			}
			if tc.noticed {
				if _, err := a.EnsureFresh(ctx, id, 30*24*time.Hour); !errors.Is(err, auth.ErrReconnectNeeded) {
					t.Fatalf("refresh after Clio ended the grant: %v", err)
				}
			}
			d, err := a.Disconnect(ctx, id, false)
			want := "Removed Firm from this computer. Clio (Europe) had already ended its access, so there was nothing left to revoke there."
			if err != nil || d.Message() != want {
				t.Errorf("disconnect after Clio ended the grant: %v\nsays %q\nwant %q", err, d.Message(), want)
			}
			if _, err := a.store.Account(id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("the account is still stored: %v", err)
			}
		})
	}
}

// TestDisconnectClioUnreachable: the refresh before deauthorizing cannot
// reach Clio. The account is forgotten here (as for any failed revoke), and
// the words are true: Clio was not told, nothing will be retried, and the
// user can end the access in Clio Manage.
func TestDisconnectClioUnreachable(t *testing.T) {
	srv := authtest.NewServer(t, authtest.Config{})
	px := authtest.NewProxy(t, srv.URL)
	a, id, _ := clioAccount(t, px.URL, true)
	px.Inject(authtest.PathClioToken, authtest.FaultReset)
	_, err := a.Disconnect(context.Background(), id, false)
	var re *RevokeError
	if !errors.As(err, &re) || !errors.Is(err, auth.ErrTransient) {
		t.Fatalf("disconnect with Clio unreachable: %v", err)
	}
	want := "Removed Firm from this computer, but Clio (Europe) could not be told to end its access: Tokentray could not reach it " +
		"(check your internet connection). Its access may still be live at Clio. To end it: in Clio Manage (" + px.URL +
		"), open Settings and remove the app under the apps you have connected."
	if msg := re.Message(); msg != want || strings.Contains(msg, "try again") {
		t.Errorf("says %q\nwant %q", msg, want)
	}
	if _, err := a.store.Account(id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the account is still stored: %v", err)
	}
	if n := px.Pending(authtest.PathClioToken); n != 0 {
		t.Error("the refresh never reached the proxy")
	}
}

// TestClioManageIsTheRegionsHost: the Clio Manage address a disconnect
// names is the account's own region's host.
func TestClioManageIsTheRegionsHost(t *testing.T) {
	for id, want := range map[string]string{
		"clio-us": auth.ClioHostUS, "clio-ca": auth.ClioHostCA, "clio-eu": auth.ClioHostEU, "clio-au": auth.ClioHostAU,
	} {
		p, _ := auth.Preset(id)
		if got := clioManage(p); got != want {
			t.Errorf("%s: %q, want %q", id, got, want)
		}
	}
}
