package tray

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/auth/claude"
	"github.com/tokentray/tokentray/store/storetest"
)

// saveClio saves Clio (Europe) on the test server, with its desktop
// approval page, the client ID and the given secret ("" for none).
func (f *fixture) saveClio(secret string) {
	f.t.Helper()
	p, _ := auth.PresetAt("clio-eu", f.srv.URL)
	p.ClientID, p.ClientSecret = authtest.ClientID, secret
	if err := f.app.SaveProvider(context.Background(), p); err != nil {
		f.t.Fatal(err)
	}
}

// connectClio opens the connect dialog on Clio (Europe) and taps Connect,
// then runs then on Fyne's goroutine at once: what the dialog shows as the
// flow starts.
func (f *fixture) connectClio(then func()) {
	f.t.Helper()
	f.ui.doAndWait(func() { f.ui.ShowConnect("clio-eu") })
	var connect *widget.Button
	f.eventually("the provider step", func() bool {
		connect = findDialogButton(f.t, f.ui.win.Canvas(), "Connect")
		return connect != nil
	})
	f.ui.doAndWait(func() {
		test.Tap(connect)
		then()
	})
}

// TestConnectDialogWithoutClientSecret: Clio's token requests need the
// client secret; without one the connect dialog says so, by the provider's
// name and in the user's language (French here), and never opens the
// browser.
func TestConnectDialogWithoutClientSecret(t *testing.T) {
	if os.Getenv(localeChild) == "" {
		storetest.RequireSession(t)
		inLocale(t, "TestConnectDialogWithoutClientSecret", "fr_FR.UTF-8")
		return
	}
	useWords()
	var opened atomic.Int32
	f := newFixture(t, Options{OpenURL: func(string) error { opened.Add(1); return nil }})
	f.saveClio("")
	c := f.ui.win.Canvas()
	f.ui.doAndWait(func() { f.ui.ShowConnect("clio-eu") })
	var connect *widget.Button
	f.eventually("the provider step", func() bool {
		connect = findDialogButton(t, c, "Connecter")
		return connect != nil
	})
	f.ui.doAndWait(func() { test.Tap(connect) })
	// In the window's words: no command line (the dead-end fix of the
	// first ten minutes).
	want := "Clio (Europe) n’est pas encore entièrement configuré sur cet ordinateur : son secret client manque. " +
		"Demandez-le à la personne qui gère Tokentray dans votre cabinet, ou ouvrez un fichier de connexion qu’elle vous a envoyé."
	f.eventually("the missing secret said", func() bool { return findDialogLabel(t, c, want) != "" })
	if n := opened.Load(); n != 0 {
		t.Errorf("the browser was opened %d times without a client secret", n)
	}
}

// TestConnectDialogOnWayland: in a Wayland session a browser running
// natively has no X11 window whose title Tokentray could read: the connect
// dialog says so as soon as it waits for Clio's approval, and asks for the
// address to be pasted. Elsewhere it offers the paste box as before.
func TestConnectDialogOnWayland(t *testing.T) {
	const wayland = "On Wayland, Tokentray cannot see your browser's window title, so it cannot read the code by itself. " +
		"After you approve, copy the address of the page you land on and paste it here:"
	for _, tc := range []struct {
		display, sessionType, want string
	}{
		{"wayland-0", "", wayland},
		{"", "wayland", wayland},
		{"", "x11", "Paste the code instead:"},
	} {
		t.Run(fmt.Sprintf("WAYLAND_DISPLAY=%q XDG_SESSION_TYPE=%q", tc.display, tc.sessionType), func(t *testing.T) {
			t.Setenv("WAYLAND_DISPLAY", tc.display)
			t.Setenv("XDG_SESSION_TYPE", tc.sessionType)
			f := newFixture(t, Options{OpenURL: func(string) error { return nil }}) // the user has not approved yet
			f.saveClio(authtest.ClientSecret)
			c := f.ui.win.Canvas()
			f.connectClio(func() {
				if findDialogLabel(t, c, tc.want) != tc.want {
					t.Errorf("as the dialog starts waiting, it does not say %q", tc.want)
				}
				if tc.want != wayland && findDialogLabel(t, c, "On Wayland") != "" {
					t.Error("the Wayland sentence is shown outside Wayland")
				}
			})
			f.ui.doAndWait(func() { f.ui.connectUI.d.Hide() }) // cancels the flow
		})
	}
}

// TestProviderSettingsTokenURL: the Token URL field shows the provider's
// token endpoint, refuses one that is not https (saving nothing), and
// saves one set whole; Anthropic's refresh then goes there — the test
// server's Anthropic dialect at another path than the document's.
func TestProviderSettingsTokenURL(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.ui.win.Canvas()
	ctx := context.Background()
	openProviderSettings(t, f, "Anthropic (Claude)")
	var field *widget.Entry
	f.ui.doAndWait(func() {
		field = findDialog(t, c, func(e *widget.Entry) bool { return e.Text == auth.AnthropicTokenURL })
	})
	if field == nil {
		t.Fatalf("no Token URL field showing %s", auth.AnthropicTokenURL)
	}
	f.ui.doAndWait(func() {
		field.SetText("http://api.example.com/oauth/token")
		test.Tap(findDialogButton(t, c, "Save"))
	})
	f.eventually("the refusal", func() bool {
		return findDialogLabel(t, c, "Could not save. The address “http://api.example.com/oauth/token” cannot be used") != ""
	})
	if p, _ := f.app.Provider(ctx, "anthropic"); p.Endpoint.TokenURL != auth.AnthropicTokenURL {
		t.Fatalf("a refused token URL was saved: %q", p.Endpoint.TokenURL)
	}
	moved := f.srv.URL + authtest.PathAnthropicTokenMoved
	f.ui.doAndWait(func() {
		field.SetText(moved)
		test.Tap(findDialogButton(t, c, "Save"))
	})
	f.eventually("the saved message", func() bool {
		return findDialogLabel(t, c, "Saved the settings of Anthropic (Claude).") != ""
	})
	if p, _ := f.app.Provider(ctx, "anthropic"); p.Endpoint.TokenURL != moved {
		t.Fatalf("anthropic's token URL after saving: %q, want %q", p.Endpoint.TokenURL, moved)
	}

	issued, err := f.srv.IssueTokens(ctx, "user:inference")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Secret(t, issued.AccessToken, issued.RefreshToken)
	s, err := claude.FromText([]byte(fmt.Sprintf(`{"access_token": %q, "refresh_token": %q, "expires_at": %d}`,
		issued.AccessToken, issued.RefreshToken, time.Now().Add(-time.Minute).UnixMilli())))
	if err != nil {
		t.Fatal(err)
	}
	acct, err := f.app.ImportClaude(ctx, s, "claude", false)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := f.app.EnsureFresh(ctx, acct.ID, time.Minute)
	if err != nil {
		t.Fatalf("refresh at the token URL set in the settings: %v", err)
	}
	storetest.Secret(t, tok.AccessToken, tok.RefreshToken)
	if tok.AccessToken == issued.AccessToken || f.srv.GrantCount("refresh_token") != 1 {
		t.Errorf("not refreshed at %s (%d refreshes)", moved, f.srv.GrantCount("refresh_token"))
	}
}
