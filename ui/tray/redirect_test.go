package tray

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/ui/accounts"
)

// openProviderSettings opens the provider settings on provider, and
// returns the provider picker and the Redirect field.
func openProviderSettings(t *testing.T, f *fixture, provider string) (*widget.Select, *widget.SelectEntry) {
	t.Helper()
	c := f.ui.win.Canvas()
	f.ui.doAndWait(f.ui.ShowSettings)
	var sel *widget.Select
	f.eventually("the settings form", func() bool {
		sel = findDialog(t, c, func(*widget.Select) bool { return true })
		return sel != nil
	})
	var redirect *widget.SelectEntry
	f.ui.doAndWait(func() {
		sel.SetSelected(provider)
		redirect = findDialog(t, c, func(*widget.SelectEntry) bool { return true })
	})
	if redirect == nil {
		t.Fatal("no Redirect field in the settings")
	}
	return sel, redirect
}

// TestProviderSettingsRedirect: the Redirect field shows the provider's
// redirect, refuses a bad one in plain words (saving nothing), and saves
// a good one typed from the keyboard (Enter) or picked.
func TestProviderSettingsRedirect(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.ui.win.Canvas()
	sel, redirect := openProviderSettings(t, f, "Clio (Europe)")
	f.ui.doAndWait(func() {
		if redirect.Text != "approval" || redirect.Disabled() {
			t.Errorf("Clio (Europe)'s redirect shows %q (disabled %v), want approval", redirect.Text, redirect.Disabled())
		}
		if findDialogLabel(t, c, "Sign-in ends on Clio's approval page (https://eu.app.clio.com/oauth/approval)") == "" {
			t.Error("no note on where Clio's sign-in comes back")
		}
		// Typed, then Enter: plain http off this computer is refused.
		c.Focus(redirect)
		redirect.SetText("")
		test.Type(redirect, "http://clio.firm.example/callback")
		redirect.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	f.eventually("the refusal", func() bool {
		return strings.Contains(findDialogLabel(t, c, "Could not save. The redirect"), "plain http is allowed only to this computer")
	})
	if p, _ := f.app.Provider(context.Background(), "clio-eu"); p.RedirectValue() != "approval" {
		t.Fatalf("a refused redirect was saved: %q", p.RedirectValue())
	}
	f.ui.doAndWait(func() {
		redirect.SetText("")
		test.Type(redirect, "loopback")
		redirect.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	f.eventually("the saved message", func() bool {
		return findDialogLabel(t, c, "Saved the settings of Clio (Europe).") != ""
	})
	if p, _ := f.app.Provider(context.Background(), "clio-eu"); p.RedirectValue() != "http://127.0.0.1/callback" {
		t.Errorf("clio-eu's redirect after saving loopback: %q", p.RedirectValue())
	}
	f.ui.doAndWait(func() {
		if redirect.Text != "http://127.0.0.1/callback" || findDialogLabel(t, c, "Sign-in comes back to Tokentray on this computer at http://127.0.0.1/callback") == "" {
			t.Errorf("after saving, the field shows %q", redirect.Text)
		}
		// ClientCasa: an https page, picked with the mouse this time.
		sel.SetSelected("ClientCasa")
		if redirect.Text != "http://localhost:53111/callback" {
			t.Errorf("ClientCasa's redirect shows %q", redirect.Text)
		}
		redirect.SetText("https://crm.firm.example/oauth/tokentray")
		test.Tap(findDialogButton(t, c, "Save"))
	})
	f.eventually("the saved message", func() bool {
		return findDialogLabel(t, c, "Saved the settings of ClientCasa.") != ""
	})
	if p, _ := f.app.Provider(context.Background(), "clientcasa"); p.Redirect != auth.RedirectPage || p.PageURL != "https://crm.firm.example/oauth/tokentray" {
		t.Errorf("clientcasa after saving an https page: %q", p.RedirectValue())
	}
	f.ui.doAndWait(func() {
		sel.SetSelected("Anthropic (Claude)")
		if !redirect.Disabled() {
			t.Error("the Redirect field is open for Anthropic, which has no browser sign-in")
		}
	})
}

// TestConnectDialogRedirectPage: with an https redirect page, the connect
// dialog shows the paste box for the address the browser lands on; an
// address of another attempt is refused in plain words and the dialog goes
// on waiting; the right one connects.
func TestConnectDialogRedirectPage(t *testing.T) {
	landed := make(chan string, 1)
	f := newFixture(t, Options{OpenURL: func(u string) error {
		go func() {
			page, err := authtest.Visit(context.Background(), u)
			if err == nil {
				landed <- page.URL
			}
			close(landed)
		}()
		return nil
	}})
	if _, err := f.app.SaveClient(context.Background(), "demo", accounts.ClientSettings{ClientID: authtest.ClientID,
		Redirect: authtest.LandingPage}); err != nil {
		t.Fatal(err)
	}
	c := f.ui.win.Canvas()
	f.ui.doAndWait(func() { f.ui.ShowConnect("demo") })
	var connect *widget.Button
	f.eventually("the provider step", func() bool {
		connect = findDialogButton(t, c, "Connect")
		return connect != nil
	})
	f.ui.doAndWait(func() { test.Tap(connect) })
	address, ok := <-landed
	if !ok || !strings.HasPrefix(address, authtest.LandingPage+"?") {
		t.Fatalf("the browser landed on %q", address)
	}
	other, _ := url.Parse(address)
	q := other.Query()
	q.Set("state", "another-attempts-state-0123")
	other.RawQuery = q.Encode()

	var paste *widget.Entry
	f.ui.doAndWait(func() {
		if findDialogLabel(t, c, "After you approve, copy the address your browser shows and paste it here") == "" {
			t.Error("no paste box for the landed address")
		}
		paste = findDialog(t, c, func(e *widget.Entry) bool { return strings.HasPrefix(e.PlaceHolder, "https://") })
		if paste == nil {
			t.Fatal("no paste entry")
		}
		paste.SetText(other.String())
		test.Tap(findDialogButton(t, c, "Use this address"))
	})
	f.eventually("the refusal", func() bool {
		return findDialogLabel(t, c, "That approval belongs to an earlier attempt") != ""
	})
	f.ui.doAndWait(func() {
		paste.SetText(address)
		paste.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	f.eventually("the success step", func() bool {
		return findDialogLabel(t, c, "Connected Demo User.") != ""
	})
	if got := f.srv.LastAuthorize().Get("redirect_uri"); got != authtest.LandingPage {
		t.Errorf("redirect_uri = %q", got)
	}
}
