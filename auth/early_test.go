package auth_test

import (
	"encoding/json"
	"errors"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store/storetest"
)

// TestConnectWithoutClientSecret: a provider whose token requests need the
// client secret (Clio and ClientCasa by their documents, a custom provider
// set up with client authentication basic or post) but has none fails at
// once, naming the provider and where to enter it; the browser is never
// opened and the provider never asked, rather than the user approving and
// then reading that the provider refused the client settings.
func TestConnectWithoutClientSecret(t *testing.T) {
	e := newEnv(t, authtest.Config{})
	custom := func(clientAuth string) auth.Provider {
		p, err := auth.Custom{ID: "acme", Name: "Acme", AuthURL: e.srv.URL + authtest.PathAuthorize,
			TokenURL: e.srv.URL + authtest.PathToken, ClientID: authtest.ClientID, ClientAuth: clientAuth}.Build(e.ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	clio := auth.Clio("clio-eu", "Clio (Europe)", e.srv.URL)
	clio.Redirect = auth.RedirectLoopback
	for _, p := range []auth.Provider{
		withClient(auth.Clio("clio-eu", "Clio (Europe)", e.srv.URL), authtest.ClientID, ""), // the approval page
		withClient(clio, authtest.ClientID, ""),
		withClient(auth.ClientCasa(e.srv.URL), authtest.ClientID, ""),
		custom(auth.ClientAuthBasic),
		custom(auth.ClientAuthPost),
	} {
		var opened atomic.Int32
		opts := e.connectOptions()
		opts.Open = func(u string) error {
			opened.Add(1)
			return e.visit(u)
		}
		opts.Approval = make(chan string) // Clio's paste box: nothing comes
		before := e.srv.TokenRequests()
		_, err := auth.Connect(e.ctx, p, opts)
		ae := wantKind(t, err, auth.KindMisconfigured)
		if ae.NoClientSecret == nil || *ae.NoClientSecret != (auth.ProviderName{ID: p.ID, Name: p.Name}) || ae.NoClientID != nil {
			t.Errorf("%s (%s): NoClientSecret %v, NoClientID %v: want the provider named", p.Name, p.RedirectValue(), ae.NoClientSecret, ae.NoClientID)
		}
		want := p.Name + " needs the client secret registered for Tokentray, and none is set. Enter it under Provider settings " +
			"(or: tokentray provider set " + p.ID + " --client-secret-stdin), then connect again."
		if msg := auth.Message(ae); msg != want {
			t.Errorf("%s: says %q\nwant %q", p.Name, msg, want)
		}
		if n := opened.Load(); n != 0 {
			t.Errorf("%s (%s): the browser was opened %d times without a client secret", p.Name, p.RedirectValue(), n)
		}
		if e.srv.TokenRequests() != before {
			t.Errorf("%s: a token request was sent without a client secret", p.Name)
		}
	}

	// A public client needs none; a custom provider given a secret is
	// confidential, one given neither a secret nor basic or post is not.
	for _, c := range []struct {
		build auth.Custom
		want  bool
	}{
		{auth.Custom{ID: "pub", AuthURL: "https://a.example/auth", TokenURL: "https://a.example/token", ClientID: "x"}, false},
		{auth.Custom{ID: "conf", AuthURL: "https://a.example/auth", TokenURL: "https://a.example/token", ClientID: "x", ClientSecret: "s"}, true},
		{auth.Custom{ID: "basic", AuthURL: "https://a.example/auth", TokenURL: "https://a.example/token", ClientID: "x", ClientAuth: "basic"}, true},
	} {
		p, err := c.build.Build(e.ctx, nil)
		if err != nil || p.Confidential != c.want {
			t.Errorf("%s: Confidential %v (%v), want %v", c.build.ID, p.Confidential, err, c.want)
		}
		if c.build.ClientAuth == auth.ClientAuthBasic && p.Endpoint.AuthStyle != oauth2.AuthStyleInHeader {
			t.Errorf("%s: client auth basic sends the secret with style %v", c.build.ID, p.Endpoint.AuthStyle)
		}
	}
	if _, err := (auth.Custom{ID: "odd", AuthURL: "https://a.example/auth", TokenURL: "https://a.example/token", ClientAuth: "jwt"}).Build(e.ctx, nil); err == nil {
		t.Error("client authentication jwt was taken")
	}
	pub := withClient(auth.Generic(e.srv.URL+authtest.PathAuthorize, e.srv.URL+authtest.PathToken), authtest.PublicClientID, "")
	if _, err := auth.Connect(e.ctx, pub, e.connectOptions()); err != nil {
		t.Errorf("a public client without a secret: %v", err)
	}
}

// TestDocumentedFactsOfStoredSettings: settings stored before a fact of
// the preset's documents was known (read back from JSON as they were
// written) get it: Clio's token requests need the secret; ClientCasa's
// sign-in is ended from its dashboard, on the host the settings use.
func TestDocumentedFactsOfStoredSettings(t *testing.T) {
	stored := func(p auth.Provider) auth.Provider {
		p.Confidential, p.EndURL, p.EndWhere = false, "", auth.EndPlace{} // as written before
		raw, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var back auth.Provider
		if err := json.Unmarshal(raw, &back); err != nil {
			t.Fatal(err)
		}
		return back
	}
	clio, _ := auth.PresetAt("clio-eu", "https://sandbox.clio.example")
	if p := stored(clio).Documented(); !p.Confidential {
		t.Error("stored Clio settings: not Confidential")
	}
	casa, _ := auth.PresetAt("clientcasa", "https://sandbox.casa.example")
	p := stored(casa).Documented()
	if !p.Confidential || p.EndURL != "https://sandbox.casa.example" ||
		p.EndWhere != (auth.EndPlace{ID: auth.EndClientCasaDashboard, Address: "https://sandbox.casa.example"}) {
		t.Errorf("stored ClientCasa settings: Confidential %v, EndURL %q, EndWhere %+v", p.Confidential, p.EndURL, p.EndWhere)
	}
	live, _ := auth.Preset("clientcasa")
	if live.EndURL != "https://www.clientcasa.com" || !live.Confidential {
		t.Errorf("ClientCasa preset: EndURL %q, Confidential %v", live.EndURL, live.Confidential)
	}
	acme := auth.Generic("https://a.example/auth", "https://a.example/token")
	acme.ID = "acme"
	if p := acme.Documented(); p.Confidential || p.EndURL != "" || p.EndWhere.ID != "" {
		t.Errorf("a custom provider got a preset's facts: %+v", p)
	}
}

// TestTokenURLSetWhole: a token URL is set whole, checked as every address
// tokens go to (https, or http to this computer); the refresh then goes
// there — here Anthropic's dialect served at another path than its
// document's, which a base URL alone cannot reach.
func TestTokenURLSetWhole(t *testing.T) {
	e := newEnv(t, authtest.Config{})
	p := auth.Anthropic(auth.AnthropicTokenURL)
	for _, bad := range []string{"http://api.example.com/oauth/token", "ftp://api.example.com/token", "api.example.com/token", "", "https://"} {
		got, err := p.WithTokenURL(bad)
		var ue *auth.URLError
		if !errors.As(err, &ue) || !errors.Is(err, auth.ErrBadURL) || got.Endpoint.TokenURL != auth.AnthropicTokenURL {
			t.Errorf("%q: %v, token URL %q", bad, err, got.Endpoint.TokenURL)
		}
		if err != nil && ue.Value != bad {
			t.Errorf("%q: refused as %q", bad, ue.Value)
		}
	}
	moved := e.srv.URL + authtest.PathAnthropicTokenMoved
	p, err := p.WithTokenURL(" " + moved + " ")
	if err != nil || p.Endpoint.TokenURL != moved {
		t.Fatalf("WithTokenURL(%q): %q, %v", moved, p.Endpoint.TokenURL, err)
	}
	issued, err := e.srv.IssueTokens(e.ctx, "user:inference")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Secret(t, issued.AccessToken, issued.RefreshToken)
	fresh, err := auth.Refresh(e.ctx, nil, p, &oauth2.Token{AccessToken: issued.AccessToken, RefreshToken: issued.RefreshToken})
	if err != nil {
		t.Fatalf("refresh at the token URL set whole: %v", err)
	}
	storetest.Secret(t, fresh.AccessToken, fresh.RefreshToken)
	if e.srv.GrantCount("refresh_token") != 1 || fresh.RefreshToken == issued.RefreshToken {
		t.Errorf("%d refreshes at the server, refresh token rotated %v", e.srv.GrantCount("refresh_token"), fresh.RefreshToken != issued.RefreshToken)
	}
}
