//go:build !windows && !darwin

package tray

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/tokentray/tokentray/ui/accounts"
	"github.com/tokentray/tokentray/ui/policy"
	"github.com/tokentray/tokentray/ui/system"
)

// startLoginSetup points the managed settings at a policy file holding
// policyJSON and the user's config (the XDG autostart entry) at a
// temporary HOME; it returns the real autostart setting and where its
// entry lands.
func startLoginSetup(t *testing.T, policyJSON string) (system.Autostart, string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(file, []byte(policyJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(policy.FileEnv, file)
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	as, err := system.NewAutostart()
	if err != nil {
		t.Fatal(err)
	}
	return as, filepath.Join(home, ".config", "autostart", "io.github.tokentray.desktop")
}

// loginItem is the Settings menu's Start at login, as the Settings button
// builds it now.
func loginItem(t *testing.T, u *UI) *fyne.MenuItem {
	t.Helper()
	var item *fyne.MenuItem
	u.doAndWait(func() {
		for _, it := range u.settingsMenu().Items {
			if it.Label == "Start at login" {
				item = it
			}
		}
	})
	if item == nil {
		t.Fatal("no Start at login in the Settings menu")
	}
	return item
}

// managedApplied waits until u has applied the managed settings at its
// start (applyManaged shows the "Managed by" line after it has set
// starting at login).
func managedApplied(f *fixture, u *UI) {
	f.t.Helper()
	was := f.ui
	f.ui = u
	defer func() { f.ui = was }()
	f.eventually("the managed settings applied", func() bool { return u.managed.Visible() })
}

func entryExists(t *testing.T, path string) bool {
	t.Helper()
	_, err := os.Stat(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return err == nil
}

// TestStartAtLoginMandatory: the firm's managed settings make Tokentray
// start at login: once the app has started the autostart entry exists,
// and the Settings menu shows Start at login ticked and greyed out, saying
// who set it.
func TestStartAtLoginMandatory(t *testing.T) {
	as, entry := startLoginSetup(t, `{"ManagedBy": "Example LLP IT", "StartAtLogin": true}`)
	f := newFixture(t, Options{Autostart: as})
	managedApplied(f, f.ui)
	if !entryExists(t, entry) {
		t.Error("no autostart entry after the start, the policy making it mandatory")
	}
	if it := loginItem(t, f.ui); !it.Checked || !it.Disabled {
		t.Errorf("Start at login: ticked %v, greyed out %v; want both", it.Checked, it.Disabled)
	}
	var by bool
	f.ui.doAndWait(func() {
		for _, it := range f.ui.settingsMenu().Items {
			by = by || (it.Label == "Set by Example LLP IT" && it.Disabled)
		}
	})
	if !by {
		t.Error("the Settings menu does not say who set Start at login")
	}
}

// TestStartAtLoginMandatoryOff: mandatory off removes an entry the user
// had made.
func TestStartAtLoginMandatoryOff(t *testing.T) {
	as, entry := startLoginSetup(t, `{"ManagedBy": "Example LLP IT", "StartAtLogin": false}`)
	if err := as.Set(true); err != nil { // the user's, before the policy came
		t.Fatal(err)
	}
	f := newFixture(t, Options{Autostart: as})
	managedApplied(f, f.ui)
	if entryExists(t, entry) {
		t.Error("the autostart entry is still there, the policy making it off")
	}
	if it := loginItem(t, f.ui); it.Checked || !it.Disabled {
		t.Errorf("Start at login: ticked %v, greyed out %v; want unticked, greyed out", it.Checked, it.Disabled)
	}
}

// TestStartAtLoginRecommended: recommended on is a default applied once,
// at the first start: the entry is made and the user may untick it; the
// next start (the app opened again on the same store) leaves it off.
func TestStartAtLoginRecommended(t *testing.T) {
	as, entry := startLoginSetup(t, `{"Recommended": {"StartAtLogin": true}}`)
	f := newFixture(t, Options{Autostart: as})
	managedApplied(f, f.ui)
	if !entryExists(t, entry) {
		t.Fatal("no autostart entry after the first start, the policy recommending it")
	}
	it := loginItem(t, f.ui)
	if !it.Checked || it.Disabled {
		t.Fatalf("Start at login: ticked %v, greyed out %v; want ticked, the user's to change", it.Checked, it.Disabled)
	}
	f.ui.doAndWait(it.Action) // the user unticks it
	if entryExists(t, entry) {
		t.Fatal("the autostart entry is still there after unticking")
	}
	if s, err := f.app.Settings(); err != nil || !s.StartAtLoginDefaulted {
		t.Errorf("the default's having been applied is not kept: %+v, %v", s, err)
	}

	// The next start: the app opened again on the same store.
	f.ui.Close()
	app, err := accounts.Open(accounts.Options{Dir: f.app.ConfigDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Close() })
	next := New(f.fyneApp, app, &recordingTray{}, Options{Autostart: as})
	next.applied = f.ui.applied
	next.Start()
	t.Cleanup(next.Close)
	managedApplied(f, next)
	if entryExists(t, entry) {
		t.Error("the next start made the autostart entry again: the recommended default applies once")
	}
	if it := loginItem(t, next); it.Checked || it.Disabled {
		t.Errorf("Start at login at the next start: ticked %v, greyed out %v; want neither", it.Checked, it.Disabled)
	}
}
