package keeper

import (
	"context"
	"errors"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
)

// revokeKeeper is a keeper on memory whose one provider is p, its clock
// real.
func revokeKeeper(t *testing.T, m *memTokens, p auth.Provider) *Keeper {
	t.Helper()
	k := New(Config{Tokens: m, Provider: func(context.Context, store.Account) (auth.Provider, error) { return p, nil }})
	t.Cleanup(func() { k.Close() })
	return k
}

// clioGrant runs the authorization-code flow for the confidential client
// against srv's Clio token endpoint and returns the Clio (Europe) preset on
// srv with that client, and the grant's tokens, the access token taken to
// expire at expiry.
func clioGrant(t *testing.T, srv *authtest.Server, expiry time.Time) (auth.Provider, *oauth2.Token) {
	t.Helper()
	ctx := context.Background()
	p, _ := auth.PresetAt("clio-eu", srv.URL)
	p.ClientID, p.ClientSecret = authtest.ClientID, authtest.ClientSecret
	const redirect = "http://127.0.0.1:9/callback"
	verifier := oauth2.GenerateVerifier()
	code, err := srv.Authorize(ctx, authtest.ClientID, redirect, authtest.Challenge(verifier))
	if err != nil {
		t.Fatal(err)
	}
	cfg := oauth2.Config{ClientID: p.ClientID, ClientSecret: p.ClientSecret, Endpoint: p.Endpoint, RedirectURL: redirect}
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	storetest.Secret(t, tok.AccessToken, tok.RefreshToken)
	tok.Expiry = expiry
	return p, tok
}

// TestRevokeClioSendsTheLiveToken: a Clio access token still good is
// deauthorized as it is, under the account's lock, with no refresh (which
// would leave it live for whoever copied it).
func TestRevokeClioSendsTheLiveToken(t *testing.T) {
	srv := authtest.NewServer(t, authtest.Config{})
	p, tok := clioGrant(t, srv, time.Now().Add(time.Hour))
	m := newMemTokens()
	m.put(store.Account{ID: "a", Provider: p.ID, Name: "Firm", Status: StatusOK}, tok)
	k := revokeKeeper(t, m, p)
	ctx := context.Background()
	if err := k.Revoke(ctx, "a"); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	if srv.Accepts(ctx, tok.AccessToken) {
		t.Error("the access token is still live at Clio")
	}
	if n := srv.GrantCount("refresh_token"); n != 0 {
		t.Errorf("%d refreshes before deauthorizing a live token, want none", n)
	}
	if m.locked.Load() == 0 {
		t.Error("revoked without the account's lock")
	}
	if _, err := m.Account("a"); err != nil {
		t.Errorf("revoke removed the account (Forget does): %v", err)
	}
}

// TestRevokeClioRefreshesFirst: an expired Clio access token (Clio answers
// 401 to one) is refreshed first, and the refreshed one is deauthorized.
func TestRevokeClioRefreshesFirst(t *testing.T) {
	srv := authtest.NewServer(t, authtest.Config{})
	p, tok := clioGrant(t, srv, time.Now().Add(-time.Hour))
	m := newMemTokens()
	m.put(store.Account{ID: "a", Provider: p.ID, Name: "Firm", Status: StatusOK}, tok)
	k := revokeKeeper(t, m, p)
	ctx := context.Background()
	if err := k.Revoke(ctx, "a"); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	if n := srv.GrantCount("refresh_token"); n != 1 {
		t.Errorf("%d refreshes before deauthorizing an expired token, want 1", n)
	}
	now, err := m.LoadToken(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Secret(t, now.AccessToken)
	if now.AccessToken == tok.AccessToken {
		t.Fatal("the expired token was not refreshed")
	}
	if srv.Accepts(ctx, now.AccessToken) {
		t.Error("the refreshed access token is still live at Clio")
	}
}

// TestRevokeClioGrantEnded: Clio ended the grant (the user removed the app
// in Clio Manage): the refresh before deauthorizing says so, or the keeper
// found it already. Revoke says there was nothing left to revoke.
func TestRevokeClioGrantEnded(t *testing.T) {
	for _, tc := range []struct {
		name    string
		expiry  time.Duration // from now
		noticed bool          // the account is StatusReconnect already
	}{
		{"access token expired", -time.Hour, false},
		{"keeper found the grant ended", time.Hour, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := authtest.NewServer(t, authtest.Config{})
			p, tok := clioGrant(t, srv, time.Now().Add(tc.expiry))
			ctx := context.Background()
			if err := srv.Revoke(ctx, tok.RefreshToken); err != nil {
				t.Fatal(err)
			}
			status := StatusOK
			if tc.noticed {
				status = StatusReconnect
			}
			m := newMemTokens()
			m.put(store.Account{ID: "a", Provider: p.ID, Name: "Firm", Status: status}, tok)
			k := revokeKeeper(t, m, p)
			err := k.Revoke(ctx, "a")
			if !errors.Is(err, ErrGrantEnded) || !errors.Is(err, auth.ErrReconnectNeeded) {
				t.Errorf("revoke of an ended grant: %v, want ErrGrantEnded", err)
			}
		})
	}
}

// TestRevokeClioRefreshFails: the refresh before deauthorizing cannot
// reach Clio: the error says so, and wraps the refresh's.
func TestRevokeClioRefreshFails(t *testing.T) {
	srv := authtest.NewServer(t, authtest.Config{})
	px := authtest.NewProxy(t, srv.URL)
	_, tok := clioGrant(t, srv, time.Now().Add(-time.Hour))
	p, _ := auth.PresetAt("clio-eu", px.URL)
	p.ClientID, p.ClientSecret = authtest.ClientID, authtest.ClientSecret
	m := newMemTokens()
	m.put(store.Account{ID: "a", Provider: p.ID, Name: "Firm", Status: StatusOK}, tok)
	k := revokeKeeper(t, m, p)
	px.Inject(authtest.PathClioToken, authtest.FaultReset)
	err := k.Revoke(context.Background(), "a")
	if !errors.Is(err, auth.ErrTransient) || errors.Is(err, ErrGrantEnded) {
		t.Errorf("revoke with Clio unreachable: %v, want a transient error", err)
	}
}

// TestRevokeRFC7009: a provider with an RFC 7009 endpoint has the grant
// revoked; one without any is auth.ErrNoRevocation, nothing sent.
func TestRevokeRFC7009(t *testing.T) {
	srv := authtest.NewServer(t, authtest.Config{})
	p := auth.Generic(srv.URL+authtest.PathAuthorize, srv.URL+authtest.PathToken)
	p.ClientID = authtest.PublicClientID
	tok := issue(t, srv, time.Now().Add(time.Hour))
	m := newMemTokens()
	m.put(store.Account{ID: "a", Provider: p.ID, Name: "Work", Status: StatusOK}, tok)
	ctx := context.Background()
	if err := revokeKeeper(t, m, p).Revoke(ctx, "a"); !errors.Is(err, auth.ErrNoRevocation) {
		t.Errorf("revoke without a revocation endpoint: %v, want ErrNoRevocation", err)
	}
	if !srv.RefreshActive(ctx, tok.RefreshToken) {
		t.Error("the grant was ended without a revocation endpoint")
	}
	p.RevokeURL, p.Revoke = srv.URL+authtest.PathRevoke, auth.RevokeRFC7009
	if err := revokeKeeper(t, m, p).Revoke(ctx, "a"); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	if srv.RefreshActive(ctx, tok.RefreshToken) {
		t.Error("the refresh token is still good after revoking")
	}
}
