package tray

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
)

// The dead ends of the first ten minutes: each test walks into one as a
// newcomer would and checks that the window says what to do and offers
// the way out.

// connectStep opens the connect dialog on a provider and taps Connect.
func (f *fixture) connectStep(providerID string) {
	f.t.Helper()
	f.ui.doAndWait(func() { f.ui.ShowConnect(providerID) })
	var connect *widget.Button
	f.eventually("the provider step", func() bool {
		connect = findDialogButton(f.t, f.ui.win.Canvas(), "Connect")
		return connect != nil
	})
	f.ui.doAndWait(func() { test.Tap(connect) })
}

// TestDeadEndClioNotSetUp: Clio with no client ID. The first Connect says,
// without a command line, that Clio is not set up and whom to ask, opens
// no browser, and offers the provider settings and a connection file; the
// settings open from there. A connection file chosen adds the provider.
func TestDeadEndClioNotSetUp(t *testing.T) {
	var opened atomic.Int32
	f := newFixture(t, Options{OpenURL: func(string) error { opened.Add(1); return nil }})
	c := f.ui.win.Canvas()
	f.connectStep("clio")
	const want = "Clio (United States) is not set up on this computer yet. Ask whoever manages Tokentray at your firm " +
		"for its client ID and secret, or open a connection file they sent you."
	var said string
	f.eventually("the not-set-up message", func() bool {
		said = findDialogLabel(t, c, "Clio (United States) is not")
		return said != ""
	})
	if said != want {
		t.Errorf("the dialog says %q\nwant %q", said, want)
	}
	f.ui.doAndWait(func() {
		for _, b := range []string{"Open Provider settings", "Open a connection file…", "Close"} {
			if findDialogButton(t, c, b) == nil {
				t.Errorf("no %s button", b)
			}
		}
		if findDialog(t, c, func(l *widget.Label) bool { return strings.Contains(l.Text, "tokentray provider") }) != nil {
			t.Error("the dialog shows a command line")
		}
	})
	if n := opened.Load(); n != 0 {
		t.Errorf("the browser was opened %d times for a provider that is not set up", n)
	}

	// Open Provider settings: the connect dialog gives way to the settings.
	f.ui.doAndWait(func() { test.Tap(findDialogButton(t, c, "Open Provider settings")) })
	f.eventually("the provider settings", func() bool {
		return f.ui.connectUI == nil && findDialogButton(t, c, "Save") != nil
	})
	f.ui.doAndWait(func() {
		// At the provider that is not set up: its client ID is what to enter.
		if findDialog(t, c, func(s *widget.Select) bool { return s.Selected == "Clio (United States)" }) == nil {
			t.Error("Provider settings did not open at Clio (United States)")
		}
		for len(c.Overlays().List()) > 0 {
			c.Overlays().Top().Hide()
		}
	})

	// Open a connection file…: a file dialog, whose file is imported.
	f.connectStep("clio")
	f.eventually("the not-set-up message again", func() bool { return findDialogButton(t, c, "Open a connection file…") != nil })
	f.ui.doAndWait(func() { test.Tap(findDialogButton(t, c, "Open a connection file…")) })
	f.eventually("the file dialog", func() bool {
		return f.ui.connectUI == nil && findDialogButton(t, c, "Open") != nil
	})
	f.ui.doAndWait(func() { test.Tap(findDialogButton(t, c, "Cancel")) })
	profile := filepath.Join(t.TempDir(), "clio.tokentray.json")
	os.WriteFile(profile, []byte(`{"tokentray_profile": 1, "provider": {"preset": "clio-us", "client_id": "firm-app", "client_secret": "firm-secret"}}`), 0o600)
	r, err := storage.Reader(storage.NewFileURI(profile))
	if err != nil {
		t.Fatal(err)
	}
	f.ui.doAndWait(func() { f.ui.profileChosen(r, nil) })
	f.eventually("the profile's confirmation", func() bool { return findDialogButton(t, c, "Add") != nil })
	f.ui.doAndWait(func() { test.Tap(findDialogButton(t, c, "Add")) })
	f.eventually("the profile added", func() bool {
		p, _ := f.app.Provider(context.Background(), "clio-us")
		return p.ClientID == "firm-app"
	})
}

// TestDeadEndClientSecretMissing: a client ID but no secret for a provider
// that needs one is the same dead end, said so.
func TestDeadEndClientSecretMissing(t *testing.T) {
	f := newFixture(t, Options{})
	p, _ := auth.PresetAt("clientcasa", f.srv.URL)
	p.ClientID = "firm-app"
	if err := f.app.SaveProvider(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	f.connectStep("clientcasa")
	f.eventually("the missing secret message", func() bool {
		return findDialogLabel(t, f.ui.win.Canvas(), "ClientCasa is not fully set up on this computer yet: its client secret is missing.") != "" &&
			findDialogButton(t, f.ui.win.Canvas(), "Open Provider settings") != nil &&
			findDialogButton(t, f.ui.win.Canvas(), "Open a connection file…") != nil
	})
}

// notSetUp lists the providers whose start-screen note shows (their IDs
// joined, per button). On Fyne's goroutine.
func notSetUp(u *UI) []string {
	var out []string
	var walk func(objs []fyne.CanvasObject)
	walk = func(objs []fyne.CanvasObject) {
		for _, o := range objs {
			switch v := o.(type) {
			case *setUpNote:
				if v.Visible() && strings.HasPrefix(v.Text, "Not set up on this computer yet: ") {
					out = append(out, v.missing...)
				}
			case *fyne.Container:
				walk(v.Objects)
			}
		}
	}
	walk(u.empty.Objects)
	slices.Sort(out)
	return out
}

// TestDeadEndStartScreenNotSetUp: the start screen says under Clio and
// ClientCasa that they are not set up (the demo provider is); once a Clio
// region is, Clio's note goes, and the connect dialog picks that region.
// The demo build offers the demo provider on the start screen, the
// release build does not.
func TestDeadEndStartScreenNotSetUp(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.ui.win.Canvas()
	const clio, casa = "clio-us,clio-ca,clio-eu,clio-au", "clientcasa"
	f.eventually("Clio and ClientCasa not set up", func() bool {
		return slices.Equal(notSetUp(f.ui), []string{casa, clio})
	})
	f.ui.doAndWait(func() {
		demo := findButton(t, c, "Demo provider")
		if (demo != nil) != (demoProviderID != "") {
			t.Errorf("a Demo provider button: %v; the build's demo provider: %q", demo != nil, demoProviderID)
		}
	})

	p, _ := auth.PresetAt("clio-eu", f.srv.URL)
	p.ClientID, p.ClientSecret = "firm-app", "firm-secret"
	if err := f.app.SaveProvider(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	f.ui.doAndWait(f.ui.refreshSetUp)
	f.eventually("Clio set up", func() bool { return slices.Equal(notSetUp(f.ui), []string{casa}) })
	// The firm's policy changing rebuilds the start screen (applyManaged),
	// and looks again at which providers are set up.
	f.ui.doAndWait(func() {
		f.ui.empty.Objects = f.ui.emptyState().Objects
		f.ui.empty.Refresh()
		f.ui.refreshSetUp()
	})
	f.eventually("the notes of the rebuilt start screen", func() bool { return slices.Equal(notSetUp(f.ui), []string{casa}) })

	f.ui.doAndWait(func() { f.ui.ShowConnect("clio") })
	f.eventually("the region set up chosen", func() bool {
		return findDialog(t, c, func(s *widget.Select) bool { return s.Selected == "Europe" }) != nil
	})
}

// TestDeadEndDeclinedConnectAgain: after declining in the browser, the
// dialog's Connect again runs the sign-in again, which connects.
func TestDeadEndDeclinedConnectAgain(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.ui.win.Canvas()
	f.srv.SetDecision(authtest.Deny)
	f.connectStep("demo")
	var again *widget.Button
	f.eventually("the declined message", func() bool {
		again = findDialogButton(t, c, "Connect again")
		return findDialogLabel(t, c, "You declined access") != "" && again != nil && findDialogButton(t, c, "Close") != nil
	})
	if sts, _ := f.app.Statuses(); len(sts) != 0 {
		t.Fatalf("declined, yet connected: %+v", sts)
	}
	f.srv.SetDecision(authtest.Approve)
	f.ui.doAndWait(func() { test.Tap(again) })
	f.eventually("the success step", func() bool {
		return findDialogLabel(t, c, "Connected Demo User.") != ""
	})
	if sts, _ := f.app.Statuses(); len(sts) != 1 || sts[0].Name != "Demo User" {
		t.Errorf("accounts after connecting again: %+v", sts)
	}
}

// TestDeadEndEnterWithoutProvider: Enter in the connect dialog with no
// provider chosen says to choose one and puts the focus on the choice;
// choosing one takes the words away.
func TestDeadEndEnterWithoutProvider(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.ui.win.Canvas()
	f.ui.doAndWait(func() { f.ui.ShowConnect("") })
	f.eventually("the provider step", func() bool { _, ok := c.Focused().(*keyEntry); return ok && f.ui.connectUI != nil })
	f.ui.doAndWait(func() { press(c, fyne.KeyReturn) })
	var choice *keySelect
	f.ui.doAndWait(func() {
		if findDialogLabel(t, c, "Choose a provider first.") == "" {
			t.Error("Enter with no provider chosen says nothing")
		}
		var ok bool
		if choice, ok = c.Focused().(*keySelect); !ok || choice.PlaceHolder != "Choose a provider" {
			t.Fatalf("after Enter the focus is on %T, want the provider choice", c.Focused())
		}
		if findDialogLabel(t, c, "Which account do you want to connect?") == "" {
			t.Error("Enter with no provider chosen left the provider step")
		}
		choice.SetSelected("Demo provider")
		if findDialogLabel(t, c, "Choose a provider first.") != "" {
			t.Error("the words stay once a provider is chosen")
		}
	})
}

// tabsToClio is how many Tabs, from a window with nothing focused, reach
// the start screen's Clio button in the demo build: the actions bar's
// three buttons, the (empty) accounts list, the Demo provider. The
// real-window test (TestDeadEndWindowClioNotSetUp) presses them.
const tabsToClio = 6

// TestDeadEndTabsToClio keeps tabsToClio true (the release build has no
// Demo provider button: one Tab less).
func TestDeadEndTabsToClio(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.ui.win.Canvas()
	want := tabsToClio
	if demoProviderID == "" {
		want--
	}
	f.ui.doAndWait(func() {
		c.Unfocus()
		for range want {
			test.FocusNext(c)
		}
		if b, ok := c.Focused().(*keyButton); !ok || b.Text != "Clio" {
			t.Errorf("%d Tabs reach %T %v, not the Clio button: update tabsToClio", want, c.Focused(), c.Focused())
		}
	})
}
