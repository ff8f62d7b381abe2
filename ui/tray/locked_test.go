package tray

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/accounts"
)

// lockedMargin is the provider's own refresh margin in
// TestWindowWithLockedKeyring: not the default, so the renewal time shown
// comes from the provider's settings.
const lockedMargin = 10 * time.Minute

// TestWindowWithLockedKeyring (issue 22): with the keyring locked (the
// screen was locked, or the login keyring never unlocked), the tray's
// start, on Fyne's goroutine, draws the account's card at once and right —
// "Fresh · renews in …", from its expiry less its provider's margin —
// although the provider has a client secret, sealed under the keyring's
// key, which the process cannot read (it tries afterwards, and must fail
// for the lock: else the test proves nothing).
//
// The processes run on a private bus with a keyring of the test's own
// (storetest.StartKeyring), as child processes: go-keyring keeps the first
// bus it connected to. The deadline on each only keeps a process waiting on
// the keyring from hanging the test; how long the start took is logged,
// not asserted.
func TestWindowWithLockedKeyring(t *testing.T) {
	storetest.LinuxOnly(t, "locks a gnome-keyring on a private D-Bus; Windows' Credential Manager has no lock of its own")
	if role := os.Getenv("TRAY_LOCKED_CHILD"); role != "" {
		out, _ := json.Marshal(lockedWindowChild(t, role, os.Getenv("TRAY_LOCKED_DIR")))
		fmt.Println("report:", string(out))
		os.Exit(0)
	}
	kr := storetest.StartKeyring(t)
	dir := t.TempDir()
	run := func(role string) lockedWindowReport {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		c := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestWindowWithLockedKeyring$")
		c.Env = append(kr.Env, "TRAY_LOCKED_CHILD="+role, "TRAY_LOCKED_DIR="+dir)
		c.Stderr = os.Stderr
		out, err := c.Output()
		if ctx.Err() != nil {
			t.Fatalf("%s child did not finish within a minute (waiting on the keyring?)\n%s", role, out)
		}
		_, report, found := strings.Cut(string(out), "report: ")
		var r lockedWindowReport
		if err != nil || !found || json.Unmarshal([]byte(report), &r) != nil {
			t.Fatalf("%s child: %v\n%s", role, err, out)
		}
		return r
	}
	if r := run("seed"); r.Err != "" {
		t.Fatalf("seed: %s", r.Err)
	}

	kr.Lock()
	r := run("window")
	if !r.SecretLocked {
		t.Fatalf("the keyring is not locked for the window's process (reading the client secret gave %q): the test proves nothing", r.SecretErr)
	}
	if r.Err != "" {
		t.Fatalf("the window with the keyring locked: %s", r.Err)
	}
	t.Logf("with the keyring locked, Start and the first draw took %v", r.Took)
	if r.Card != r.Want || !strings.HasPrefix(r.Want, "Fresh · renews in ") {
		t.Errorf("the window's first draw, with the keyring locked, shows Work as %q, want %q (its expiry less its provider's margin %v)",
			r.Card, r.Want, lockedMargin)
	}
}

// lockedWindowReport is what a child of TestWindowWithLockedKeyring says,
// as JSON on stdout after "report: ".
type lockedWindowReport struct {
	Err string
	// Card is the state the first draw's card for Work shows, Want what
	// its stored expiry less the provider's margin makes it.
	Card, Want string
	Took       time.Duration
	// SecretLocked: reading the provider's client secret, after the
	// first draw, failed for want of the keyring (SecretErr).
	SecretLocked bool
	SecretErr    string
}

// lockedWindowChild is a Tokentray process on the test's keyring, its store
// in dir: seed saves a provider with a client secret and connects an
// account to it on a test authorization server; window starts the UI on
// Fyne's test app, reads the card from its first draw, then tries to read
// the client secret.
func lockedWindowChild(t *testing.T, role, dir string) (r lockedWindowReport) {
	app, err := accounts.Open(accounts.Options{Dir: dir})
	if err != nil {
		r.Err = err.Error()
		return r
	}
	defer app.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	switch role {
	case "seed":
		srv := authtest.NewServer(t, authtest.Config{UserName: "Demo User", AccessTokenLifespan: time.Hour})
		p, err := auth.Discover(ctx, nil, srv.URL)
		if err != nil {
			r.Err = err.Error()
			return r
		}
		p.ID, p.Name, p.ClientID, p.ClientSecret = "demo", "Demo provider", authtest.ClientID, authtest.ClientSecret
		p.RefreshMargin = lockedMargin
		if err := app.SaveProvider(ctx, p); err != nil {
			r.Err = err.Error()
			return r
		}
		browser := func(u string) error {
			go authtest.Visit(context.Background(), u) //nolint:errcheck // the flow reports failures
			return nil
		}
		if _, err := app.Connect(ctx, "demo", "Work", auth.ConnectOptions{Open: browser}); err != nil {
			r.Err = err.Error()
		}
	case "window":
		now := time.Now()
		f := &fixture{t: t, fyneApp: &notifyingApp{App: test.NewTempApp(t)}, tray: &recordingTray{}}
		start := time.Now()
		f.ui = New(f.fyneApp, app, f.tray, Options{Now: func() time.Time { return now }})
		f.ui.Start()
		defer f.ui.Close()
		cards := f.cards()
		r.Took = time.Since(start)
		card, ok := cards["Work"]
		if !ok {
			r.Err = fmt.Sprintf("the first draw shows no card for Work (cards: %v)", cards)
			return r
		}
		f.ui.doAndWait(func() { r.Card = card.state.Text })
		sts, err := app.Statuses()
		if err != nil || len(sts) != 1 || sts[0].Expiry.IsZero() {
			r.Err = fmt.Sprintf("statuses: %v %+v", err, sts)
			return r
		}
		r.Want = StatusWord(keeper.Status{Account: sts[0].Account, RenewAt: sts[0].Expiry.Add(-lockedMargin)}, now)
		_, err = app.Provider(ctx, "demo")
		r.SecretLocked = errors.Is(err, store.ErrKeyringUnavailable)
		if err != nil {
			r.SecretErr = err.Error()
		}
	}
	return r
}
