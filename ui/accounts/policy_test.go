package accounts

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/policy"
)

// managedApp opens an app whose managed settings are the policy file it
// returns the path of (empty until written; ReloadPolicy reads it again).
func managedApp(t *testing.T) (*App, string) {
	t.Helper()
	storetest.RequireSession(t)
	file := filepath.Join(t.TempDir(), "policy.json")
	a, err := Open(Options{Dir: t.TempDir(), Service: storetest.Service(t), ReadPolicy: func() *policy.Policy { return policy.LoadFile(file) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a, file
}

func writePolicy(t *testing.T, a *App, file, text string) {
	t.Helper()
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if !a.ReloadPolicy() {
		t.Fatal("ReloadPolicy: the policy written is not seen as a change")
	}
	if probs := a.Policy().Problems; len(probs) != 0 {
		t.Fatalf("policy problems: %+v", probs)
	}
}

// TestManagedClio: IT sets Clio (Europe)'s client by policy, offers it
// alone, and keeps the gateway off and the clipboard short. Clio connects
// with the policy's client and secret (no client ID asked of the user,
// the secret never copied to the keyring); its client cannot be changed;
// other providers are neither listed nor connected; adding providers and
// turning the gateway on are refused; the clipboard limit holds.
func TestManagedClio(t *testing.T) {
	ctx := context.Background()
	srv := authtest.NewServer(t, authtest.Config{})
	a, file := managedApp(t)
	// The Clio preset at the test server, with no client: as on a new
	// machine (the policy brings the client).
	p, _ := auth.PresetAt("clio-eu", srv.URL)
	p.Redirect = auth.RedirectLoopback
	if err := a.SaveProvider(ctx, p); err != nil {
		t.Fatal(err)
	}
	writePolicy(t, a, file, fmt.Sprintf(`{"ManagedBy": "Example LLP IT", "ClioRegion": "eu", "ClioClientID": %q,
		"ClioClientSecret": %q, "AllowedProviders": "clio-eu", "AllowCustomProviders": false, "GatewayAllowed": false,
		"ClearClipboardSeconds": 20}`, authtest.ClientID, authtest.ClientSecret))

	got, err := a.Provider(ctx, "clio-eu")
	if err != nil || got.ClientID != authtest.ClientID || got.ClientSecret != authtest.ClientSecret {
		t.Fatalf("Clio (Europe): client %q, secret set %v, %v; want the policy's", got.ClientID, got.ClientSecret != "", err)
	}
	visit := func(u string) error {
		go authtest.Visit(context.Background(), u) //nolint:errcheck // the flow reports failures
		return nil
	}
	if _, err := a.Connect(ctx, "clio-eu", "Firm", auth.ConnectOptions{Open: visit}); err != nil {
		t.Fatalf("connect with the policy's client: %v", err)
	}
	if _, err := a.store.LoadSecret(ctx, clientSecretName("clio-eu")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the policy's client secret in the keyring: %v, want none there", err)
	}
	if l := a.Locked("clio-eu"); !l.ClientID || !l.Secret || l.Provider || l.By != "Example LLP IT" {
		t.Errorf("lock %+v, want client ID and secret, by Example LLP IT", l)
	}
	var me *ManagedError
	if _, err := a.SaveClient(ctx, "clio-eu", ClientSettings{ClientID: "mine"}); !errors.As(err, &me) || me.What != ManagedProvider {
		t.Errorf("changing the client ID: %v, want refused", err)
	}
	if _, err := a.SaveClient(ctx, "clio-eu", ClientSettings{ClientID: authtest.ClientID, APIBase: "https://eu.app.clio.com/api/v4"}); err != nil {
		t.Errorf("saving what policy leaves free (the API address): %v", err)
	}
	ps, err := a.Providers(ctx)
	if err != nil || len(ps) != 1 || ps[0].ID != "clio-eu" {
		t.Errorf("providers %v, %v; want Clio (Europe) alone", ps, err)
	}
	if _, err := a.Connect(ctx, "clio-us", "", auth.ConnectOptions{Open: visit}); !errors.As(err, &me) || me.What != ManagedNotAllowed {
		t.Errorf("connecting Clio (United States): %v, want refused", err)
	}
	if _, err := a.AddProvider(ctx, "acme", "", srv.URL, "x", ""); !errors.As(err, &me) || me.What != ManagedNoCustom {
		t.Errorf("adding a provider: %v, want refused", err)
	}
	if err := a.SetGateway(ctx, true); !errors.As(err, &me) || me.What != ManagedGateway {
		t.Errorf("turning the gateway on: %v, want refused", err)
	}
	s, _ := a.Settings()
	s.ClearClipboardSeconds = 0 // never
	if err := a.SaveSettings(ctx, s); err != nil {
		t.Fatal(err)
	}
	if s, _ := a.Settings(); s.ClearClipboardSeconds != 20 || s.Gateway.On {
		t.Errorf("clipboard %d s, gateway %v; want 20 s at most and off", s.ClearClipboardSeconds, s.Gateway.On)
	}
	if l := a.SettingsLock(); l.ClipboardMost != 20 || !l.Gateway || l.Notifications {
		t.Errorf("settings lock %+v", l)
	}
}

// TestRecommendedClientCasa: a recommended client is the default until the
// user sets their own, which then wins; nothing is locked.
func TestRecommendedClientCasa(t *testing.T) {
	ctx := context.Background()
	a, file := managedApp(t)
	writePolicy(t, a, file, `{"Recommended": {"ClientCasaClientID": "firm-casa", "ClientCasaClientSecret": "firm-secret",
		"Notifications": false}}`)
	if p, err := a.Provider(ctx, "clientcasa"); err != nil || p.ClientID != "firm-casa" || p.ClientSecret != "firm-secret" {
		t.Fatalf("ClientCasa: %q, %v; want the recommended client", p.ClientID, err)
	}
	if a.Locked("clientcasa").Any() {
		t.Error("a recommended client is locked")
	}
	if s, _ := a.Settings(); !s.NotificationsOff {
		t.Error("recommended notifications off: not the default")
	}
	if _, err := a.SaveClient(ctx, "clientcasa", ClientSettings{ClientID: "mine", Secret: "my-secret"}); err != nil {
		t.Fatal(err)
	}
	if p, err := a.Provider(ctx, "clientcasa"); err != nil || p.ClientID != "mine" || p.ClientSecret != "my-secret" {
		t.Errorf("after the user's own: %q, %v", p.ClientID, err)
	}
	s, _ := a.Settings()
	s.NotificationsOff = false
	if err := a.SaveSettings(ctx, s); err != nil {
		t.Fatal(err)
	}
	if s, _ := a.Settings(); s.NotificationsOff {
		t.Error("the user turned notifications on; the recommended default still wins")
	}
}

// TestManagedCustomProvider: IT's own OpenID provider, set by policy, is
// listed, connects (its issuer discovered then), and cannot be changed.
func TestManagedCustomProvider(t *testing.T) {
	ctx := context.Background()
	srv := authtest.NewServer(t, authtest.Config{})
	a, file := managedApp(t)
	writePolicy(t, a, file, fmt.Sprintf(`{"ManagedBy": "Example LLP IT", "Providers": {"sso": {"Name": "Firm SSO",
		"Issuer": %q, "ClientID": %q, "ClientSecret": %q}}}`, srv.URL, authtest.ClientID, authtest.ClientSecret))
	ps, err := a.Providers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range ps {
		found = found || p.ID == "sso" && p.Name == "Firm SSO"
	}
	if !found || a.ProviderName("sso") != "Firm SSO" {
		t.Fatalf("Firm SSO not listed: %v", ps)
	}
	visit := func(u string) error {
		go authtest.Visit(context.Background(), u) //nolint:errcheck // the flow reports failures
		return nil
	}
	acct, err := a.Connect(ctx, "sso", "", auth.ConnectOptions{Open: visit})
	if err != nil {
		t.Fatalf("connect Firm SSO: %v", err)
	}
	if _, err := a.EnsureFresh(ctx, acct.ID, 0); err != nil {
		t.Errorf("a token of Firm SSO: %v", err)
	}
	if !a.Locked("sso").Provider {
		t.Error("Firm SSO is not locked")
	}
	var me *ManagedError
	if _, err := a.SaveClient(ctx, "sso", ClientSettings{ClientID: "x"}); !errors.As(err, &me) {
		t.Errorf("changing Firm SSO: %v, want refused", err)
	}
}

// TestMalformedPolicy: a policy file that is not JSON, or names a provider
// nobody has, never stops the app: it opens, says once what it skipped,
// and applies the rest (here: Clio (Europe) alone offered).
func TestMalformedPolicy(t *testing.T) {
	ctx := context.Background()
	a, file := managedApp(t)
	if err := os.WriteFile(file, []byte(`{"ManagedBy": "IT",`), 0o644); err != nil {
		t.Fatal(err)
	}
	a.ReloadPolicy()
	if probs := a.Policy().Problems; len(probs) != 1 || probs[0].Kind != policy.Syntax {
		t.Errorf("invalid JSON: problems %+v, want one", probs)
	}
	if ps, err := a.Providers(ctx); err != nil || len(ps) != len(auth.Presets()) {
		t.Errorf("with an unusable policy: %d providers, %v; want every preset", len(ps), err)
	}
	if err := os.WriteFile(file, []byte(`{"AllowedProviders": "clio-eu, clio-mars"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	a.ReloadPolicy()
	probs := a.Policy().Problems
	if len(probs) != 1 || probs[0].Kind != policy.UnknownProvider || probs[0].Detail != "clio-mars" {
		t.Errorf("an unknown provider: problems %+v, want clio-mars said", probs)
	}
	if ps, err := a.Providers(ctx); err != nil || len(ps) != 1 || ps[0].ID != "clio-eu" {
		t.Errorf("providers %v, %v: want Clio (Europe) alone", ps, err)
	}
}
