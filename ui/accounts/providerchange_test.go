package accounts

import (
	"context"
	"errors"
	"testing"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/ui/words"
)

// TestChangeProviderKeepOrClear: a client ID or API address the change
// does not set (nil: the command line's flag not given) is kept; one set
// empty (the window's emptied field, SaveClient) is cleared. Both go
// through the one path.
func TestChangeProviderKeepOrClear(t *testing.T) {
	ctx := context.Background()
	a := openApp(t)
	id, api := "firm-client", "https://api.example.com/v1"
	if _, err := a.ChangeProvider(ctx, ProviderChange{ID: "clientcasa", ClientID: &id, APIBase: &api}); err != nil {
		t.Fatal(err)
	}
	p, err := a.ChangeProvider(ctx, ProviderChange{ID: "clientcasa", TokenURL: "https://login.example.com/token"})
	if err != nil {
		t.Fatal(err)
	}
	if p.ClientID != id || p.APIBase != api || p.Endpoint.TokenURL != "https://login.example.com/token" {
		t.Errorf("a change that sets neither kept client ID %q, API base %q (token URL %q); want %q, %q",
			p.ClientID, p.APIBase, p.Endpoint.TokenURL, id, api)
	}
	saved, err := a.SaveClient(ctx, "clientcasa", ClientSettings{TokenURL: p.Endpoint.TokenURL})
	if err != nil {
		t.Fatal(err)
	}
	// (A cleared API address reads as the preset's again.)
	if stored, _ := a.Provider(ctx, "clientcasa"); saved.ClientID != "" || saved.APIBase != "" || stored.ClientID != "" || stored.APIBase == api {
		t.Errorf("the window's emptied fields: client ID %q, API base %q (stored %q, %q); want both cleared",
			saved.ClientID, saved.APIBase, stored.ClientID, stored.APIBase)
	}
}

// TestChangeProviderBaseURL: a built-in provider moved to another host
// keeps its client ID and redirect; a custom one cannot move, and a bad
// setting names itself and keeps its own words. Nothing is changed by a
// refused change.
func TestChangeProviderBaseURL(t *testing.T) {
	ctx := context.Background()
	a := openApp(t)
	srv := authtest.NewServer(t, authtest.Config{})
	id := authtest.ClientID
	if _, err := a.ChangeProvider(ctx, ProviderChange{ID: "clio-eu", ClientID: &id, Redirect: "loopback"}); err != nil {
		t.Fatal(err)
	}
	p, err := a.ChangeProvider(ctx, ProviderChange{ID: "clio-eu", BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if p.ClientID != id || p.RedirectValue() != "http://127.0.0.1/callback" || p.Endpoint.TokenURL != srv.URL+authtest.PathClioToken {
		t.Errorf("moved: client ID %q, redirect %q, token URL %q", p.ClientID, p.RedirectValue(), p.Endpoint.TokenURL)
	}

	_, err = a.ChangeProvider(ctx, ProviderChange{ID: "clio-eu", TokenURL: "http://api.example.com/token"})
	var se *SettingError
	var ue *auth.URLError
	if !errors.As(err, &se) || se.Setting != "TokenURL" || !errors.As(err, &ue) || words.Message(err) != words.Message(ue) {
		t.Errorf("a plain-http token URL: %v", err)
	}
	if now, _ := a.Provider(ctx, "clio-eu"); now.Endpoint.TokenURL != p.Endpoint.TokenURL {
		t.Errorf("a refused change changed the token URL to %q", now.Endpoint.TokenURL)
	}

	if _, err := a.ChangeProvider(ctx, ProviderChange{ID: "acme", New: &auth.Custom{AuthURL: srv.URL + authtest.PathAuthorize,
		TokenURL: srv.URL + authtest.PathToken, ClientID: authtest.PublicClientID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ChangeProvider(ctx, ProviderChange{ID: "acme", BaseURL: srv.URL}); !errors.Is(err, ErrNotBuiltIn) || !errors.As(err, &se) || se.Setting != "BaseURL" {
		t.Errorf("moving a custom provider: %v, want ErrNotBuiltIn", err)
	}
}

// TestChangeProviderNew: a new custom provider is built and stored under
// its ID, with the change's redirect and API address; a built-in ID is
// refused.
func TestChangeProviderNew(t *testing.T) {
	ctx := context.Background()
	a := openApp(t)
	srv := authtest.NewServer(t, authtest.Config{})
	api := "https://api.example.com"
	p, err := a.ChangeProvider(ctx, ProviderChange{ID: "acme", Redirect: authtest.LandingPage, APIBase: &api,
		New: &auth.Custom{Name: "Acme", AuthURL: srv.URL + authtest.PathAuthorize, TokenURL: srv.URL + authtest.PathToken,
			ClientID: authtest.ClientID}})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := a.Provider(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "acme" || stored.Name != "Acme" || stored.RedirectValue() != authtest.LandingPage || stored.APIBase != api ||
		stored.ClientID != authtest.ClientID {
		t.Errorf("stored %+v", stored)
	}
	_, err = a.ChangeProvider(ctx, ProviderChange{ID: "clio-eu", New: &auth.Custom{AuthURL: srv.URL + authtest.PathAuthorize,
		TokenURL: srv.URL + authtest.PathToken, ClientID: "x"}})
	if err == nil {
		t.Error("a custom provider was stored over a built-in one")
	}
}
