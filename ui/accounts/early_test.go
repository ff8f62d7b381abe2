package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/auth/claude"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
)

func openApp(t *testing.T) *App {
	t.Helper()
	storetest.RequireSession(t)
	a, err := Open(Options{Dir: t.TempDir(), Service: storetest.Service(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// TestConnectWithoutSecretStoredBefore: Clio settings saved before
// Tokentray knew that Clio's token requests need the client secret (a
// client ID set, no secret, nothing said of it) still say at connect,
// before any browser, that the secret is missing; so does a custom
// provider from a profile with client_auth and no secret.
func TestConnectWithoutSecretStoredBefore(t *testing.T) {
	a := openApp(t)
	ctx := context.Background()
	srv := authtest.NewServer(t, authtest.Config{})
	old := fmt.Sprintf(`{"id": "clio-eu", "name": "Clio (Europe)", "endpoint": {"AuthURL": %q, "TokenURL": %q, "AuthStyle": 1},
		"client_id": "my-app", "redirect": "loopback", "redirect_host": "127.0.0.1", "approval_url": %q,
		"auth_params": {"redirect_on_decline": "true"}, "dialect": "form", "rotation": "never",
		"identity": "clio", "identity_url": %q, "revoke": "clio", "revoke_url": %q}`,
		srv.URL+authtest.PathClioAuthorize, srv.URL+authtest.PathClioToken, srv.URL+authtest.PathClioApproval,
		srv.URL+authtest.PathClioWhoAmI, srv.URL+authtest.PathClioDeauthorize)
	if err := a.store.Update(ctx, func(tx *store.Tx) error { return tx.PutProvider("clio-eu", []byte(old)) }); err != nil {
		t.Fatal(err)
	}
	pr, err := ParseProfile([]byte(fmt.Sprintf(`{"tokentray_profile": 1, "provider": {"id": "acme", "name": "Acme",
		"auth_url": %q, "token_url": %q, "client_id": %q, "client_auth": "basic"}}`,
		srv.URL+authtest.PathAuthorize, srv.URL+authtest.PathToken, authtest.ClientID)))
	if err != nil {
		t.Fatal(err)
	}
	if s := pr.Summary(); !strings.Contains(s, "Client secret: needed, not included") {
		t.Errorf("the summary does not say the secret is needed:\n%s", s)
	}
	if _, err := a.ApplyProfile(ctx, pr); err != nil {
		t.Fatal(err)
	}
	for id, name := range map[string]string{"clio-eu": "Clio (Europe)", "acme": "Acme"} {
		var opened atomic.Int32
		opts := auth.ConnectOptions{Open: func(u string) error {
			opened.Add(1)
			go authtest.Visit(context.Background(), u) //nolint:errcheck // the flow reports failures
			return nil
		}, Timeout: 20 * time.Second}
		_, err := a.Connect(ctx, id, "", opts)
		var ae *auth.Error
		if !errors.As(err, &ae) || ae.NoClientSecret == nil || ae.NoClientSecret.Name != name {
			t.Errorf("%s: connect without a secret: %v, want the missing secret said", id, err)
		}
		if n := opened.Load(); n != 0 {
			t.Errorf("%s: the browser was opened %d times", id, n)
		}
	}
}

// casaAccount connects nothing: it stores a ClientCasa account (tokens
// from the test server) whose provider, like ClientCasa's document, names
// no revocation endpoint (its discovery answers 404 through px).
func casaAccount(t *testing.T, a *App, srv *authtest.Server, px *authtest.Proxy, name string) string {
	t.Helper()
	ctx := context.Background()
	p, _ := auth.PresetAt("clientcasa", px.URL)
	p.ClientID, p.ClientSecret = authtest.ClientID, authtest.ClientSecret
	if err := a.SaveProvider(ctx, p); err != nil {
		t.Fatal(err)
	}
	issued, err := srv.IssueTokens(ctx, "openid", "offline_access")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Secret(t, issued.AccessToken, issued.RefreshToken)
	acct, err := a.add(ctx, store.Account{Provider: "clientcasa", Name: name}, p,
		&auth.Token{AccessToken: issued.AccessToken, RefreshToken: issued.RefreshToken, Expiry: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return acct.ID
}

// TestDisconnectClientCasaSaysWhereToEnd: ClientCasa offers no revocation
// endpoint, and its refresh token (30 days, rotating) stays live: the
// disconnect says where the user ends the sign-in — the ClientCasa
// dashboard, at the provider's host — and so does a disconnect that chose
// not to tell the provider.
func TestDisconnectClientCasaSaysWhereToEnd(t *testing.T) {
	a := openApp(t)
	ctx := context.Background()
	srv := authtest.NewServer(t, authtest.Config{})
	px := authtest.NewProxy(t, srv.URL)
	const discovery = authtest.ClientCasaPrefix + "/.well-known/openid-configuration"
	px.Inject(discovery, authtest.FaultStatus(404, ""), authtest.FaultStatus(404, ""))

	id := casaAccount(t, a, srv, px, "Casa")
	d, err := a.Disconnect(ctx, id, false)
	want := "Removed Casa from this computer; ClientCasa was not told (it offers no way to end a sign-in from Tokentray), " +
		"so its access stays live there until you revoke it from your ClientCasa dashboard (" + px.URL + ")."
	if err != nil || d.Message() != want {
		t.Errorf("disconnect: %v\nsays %q\nwant %q", err, d.Message(), want)
	}
	if px.Pending(discovery) == 2 {
		t.Error("the revocation endpoint was not looked for")
	}
	if _, err := a.store.Account(id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the account is still stored: %v", err)
	}

	id = casaAccount(t, a, srv, px, "Kept remote")
	d, err = a.Disconnect(ctx, id, true)
	want = "Removed Kept remote from this computer; ClientCasa was not told, so its access stays live there " +
		"until you revoke it from your ClientCasa dashboard (" + px.URL + ")."
	if err != nil || d.Message() != want {
		t.Errorf("disconnect --keep-remote: %v\nsays %q\nwant %q", err, d.Message(), want)
	}
}

// TestProfileTokenURL: a profile sets a preset's token URL whole (Anthropic
// needs no client ID), checked like every address in it; the account's
// refresh then goes to that URL — Anthropic's dialect at another path than
// its document's.
func TestProfileTokenURL(t *testing.T) {
	a := openApp(t)
	ctx := context.Background()
	srv := authtest.NewServer(t, authtest.Config{AccessTokenLifespan: 8 * time.Hour})
	moved := srv.URL + authtest.PathAnthropicTokenMoved

	for profile, reason := range map[string]string{
		`{"preset": "anthropic", "token_url": "http://api.example.com/oauth/token"}`:                                                    "“http://api.example.com/oauth/token” is not https",
		`{"preset": "clio-us", "client_id": "x", "auth_url": "https://app.clio.com/oauth/authorize"}`:                                   "one way",
		`{"preset": "clio-us", "token_url": "https://app.clio.com/oauth/token"}`:                                                        "no client_id",
		`{"preset": "clio-us", "client_id": "x", "client_auth": "basic"}`:                                                               "client_auth is for a custom provider",
		`{"id": "acme", "auth_url": "https://a.example/a", "token_url": "https://a.example/t", "client_id": "x", "client_auth": "jwt"}`: "“jwt” is neither basic nor post",
	} {
		_, err := ParseProfile([]byte(`{"tokentray_profile": 1, "provider": ` + profile + `}`))
		var pe *ProfileError
		if !errors.As(err, &pe) || !strings.Contains(pe.Message(), reason) {
			t.Errorf("%s: %v, want a refusal saying %q", profile, err, reason)
		}
	}

	pr, err := ParseProfile([]byte(fmt.Sprintf(`{"tokentray_profile": 1, "provider": {"preset": "anthropic", "token_url": %q}}`, moved)))
	if err != nil {
		t.Fatal(err)
	}
	if s := pr.Summary(); !strings.Contains(s, "Token address: "+moved) || strings.Contains(s, "Client ID") {
		t.Errorf("summary:\n%s", s)
	}
	if p, err := a.ApplyProfile(ctx, pr); err != nil || p.Endpoint.TokenURL != moved {
		t.Fatalf("applied: token URL %q, %v", p.Endpoint.TokenURL, err)
	}

	issued, err := srv.IssueTokens(ctx, "user:inference")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Secret(t, issued.AccessToken, issued.RefreshToken)
	s, err := claude.FromText([]byte(fmt.Sprintf(`{"access_token": %q, "refresh_token": %q, "expires_at": %d}`,
		issued.AccessToken, issued.RefreshToken, time.Now().Add(-time.Minute).UnixMilli())))
	if err != nil {
		t.Fatal(err)
	}
	acct, err := a.ImportClaude(ctx, s, "claude", false)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := a.EnsureFresh(ctx, acct.ID, time.Hour)
	if err != nil {
		t.Fatalf("refresh at the profile's token URL: %v", err)
	}
	storetest.Secret(t, tok.AccessToken, tok.RefreshToken)
	if tok.AccessToken == issued.AccessToken || srv.GrantCount("refresh_token") != 1 {
		t.Errorf("not refreshed at %s (%d refreshes)", moved, srv.GrantCount("refresh_token"))
	}
}
