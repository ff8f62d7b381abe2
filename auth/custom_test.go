package auth_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
)

// TestCustomBuild: a custom provider from typed-in endpoints or from an
// issuer, with its names, client, scopes and redirect; a redirect that
// cannot work is a *RedirectError.
func TestCustomBuild(t *testing.T) {
	e := newEnv(t, authtest.Config{})
	typed := auth.Custom{ID: "acme", AuthURL: e.srv.URL + authtest.PathAuthorize, TokenURL: e.srv.URL + authtest.PathToken,
		ClientID: "cid", ClientSecret: "shh", RedirectPort: 8123}
	p, err := typed.Build(e.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := auth.Generic(typed.AuthURL, typed.TokenURL)
	want.ID, want.Name, want.ClientID, want.ClientSecret, want.RedirectPort = "acme", "acme", "cid", "shh", 8123
	if p.ID != want.ID || p.Name != want.Name || p.Endpoint != want.Endpoint || p.ClientID != want.ClientID ||
		p.ClientSecret != want.ClientSecret || p.RedirectValue() != want.RedirectValue() || p.Scopes != nil {
		t.Errorf("typed in: %+v\nwant %+v", p, want)
	}

	found := auth.Custom{ID: "acme", Name: "Acme", Issuer: e.srv.URL, ClientID: "cid", Scopes: []string{"read"},
		Redirect: "http://localhost:8765/back"}
	p, err = found.Build(e.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	disc, err := auth.Discover(e.ctx, nil, e.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Acme" || p.Endpoint != disc.Endpoint || p.Issuer != disc.Issuer || p.RevokeURL != disc.RevokeURL ||
		!slices.Equal(p.Scopes, []string{"read"}) || p.RedirectValue() != "http://localhost:8765/back" {
		t.Errorf("by discovery: %+v", p)
	}

	typed.Redirect, typed.RedirectPort = "http://example.com/back", 0
	if _, err := typed.Build(e.ctx, nil); !errors.Is(err, auth.ErrBadRedirect) {
		t.Errorf("plain http off this computer: %v, want a *RedirectError", err)
	}
}
