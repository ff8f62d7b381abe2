package tray

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/ui/policy"
)

// TestManagedClio: the firm's IT sets Clio (Europe) up by policy (the
// client ID and secret, who manages, which providers are offered). When
// the window opens it says who manages Tokentray; the start screen offers
// Clio; Connect an account… → Clio offers Europe alone and goes straight
// to the browser, never asking for a client ID; Provider settings shows
// the client ID greyed out, never the secret, and says who set it.
func TestManagedClio(t *testing.T) {
	file := filepath.Join(t.TempDir(), "policy.json")
	t.Setenv(policy.FileEnv, file) // none yet: a new machine before IT's policy arrives
	f := newFixture(t, Options{})
	c := f.ui.win.Canvas()
	ctx := context.Background()
	// Clio (Europe) at the test server, set up by nobody yet.
	p, _ := auth.PresetAt("clio-eu", f.srv.URL)
	p.Redirect = auth.RedirectLoopback
	if err := f.app.SaveProvider(ctx, p); err != nil {
		t.Fatal(err)
	}
	policyJSON := fmt.Sprintf(`{"ManagedBy": "Example LLP IT", "ClioRegion": "eu", "ClioClientID": %q, "ClioClientSecret": %q,
		"AllowedProviders": ["clio-eu", "demo"]}`, authtest.ClientID, authtest.ClientSecret)
	if err := os.WriteFile(file, []byte(policyJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	f.ui.doAndWait(f.ui.ShowWindow) // reads the policy again
	f.eventually("the Managed by line", func() bool {
		return f.ui.managed.Visible() && f.ui.managed.Text == "Managed by Example LLP IT"
	})
	f.ui.doAndWait(func() {
		if _, ok := findOK(t, f.ui.empty, func(b *widget.Button) bool { return b.Text == "ClientCasa" }); ok {
			t.Error("the start screen offers ClientCasa, which the policy does not")
		}
		findIn(t, f.ui.empty, func(b *widget.Button) bool { return b.Text == "Clio" })
	})

	f.ui.doAndWait(func() { f.ui.ShowConnect("clio") })
	var connect *widget.Button
	f.eventually("the provider step", func() bool {
		connect = findDialogButton(t, c, "Connect")
		return connect != nil
	})
	f.ui.doAndWait(func() {
		regions := findDialog(t, c, func(s *widget.Select) bool { return len(s.Options) > 0 && s.Options[0] == "Europe" })
		if regions == nil || len(regions.Options) != 1 || regions.Selected != "Europe" {
			t.Errorf("the Clio regions offered: %+v, want Europe alone", regions)
		}
		test.Tap(connect)
	})
	f.eventually("the success step", func() bool {
		return findDialogLabel(t, c, "Connected Demo User.") != ""
	})
	f.ui.doAndWait(func() { f.ui.connectUI.d.Hide() })

	openProviderSettings(t, f, "Clio (Europe)")
	f.ui.doAndWait(func() {
		id := findDialog(t, c, func(e *widget.Entry) bool { return e.Text == authtest.ClientID })
		if id == nil || !id.Disabled() {
			t.Errorf("the client ID set by policy: %+v, want shown and greyed out", id)
		}
		if findDialog(t, c, func(e *widget.Entry) bool { return e.Text == authtest.ClientSecret }) != nil {
			t.Error("Provider settings shows the client secret set by policy")
		}
		secret := findDialog(t, c, func(e *widget.Entry) bool { return e.Password && e.PlaceHolder == "Set by Example LLP IT" })
		if secret == nil || !secret.Disabled() {
			t.Error("the client secret field does not say who set it, greyed out")
		}
		if findDialogLabel(t, c, "Set by Example LLP IT: what is greyed out cannot be changed here.") == "" {
			t.Error("Provider settings does not say who set Clio (Europe) up")
		}
	})
}
