package tray

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/ui/system"
)

// TestFirstRunWithoutTrayHost: no accounts and no tray host: the window
// welcomes, says how to get a tray icon, and offers Start at login, which
// writes and removes the autostart entry.
func TestFirstRunWithoutTrayHost(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	as, err := system.NewAutostart()
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, Options{NoTrayHost: true, Autostart: as})
	c := f.ui.win.Canvas()
	f.ui.doAndWait(func() {
		if findIn(t, c.Content(), func(r *widget.RichText) bool { return r.String() == "Connect your first account" }) == nil {
			t.Error("no welcome on first run")
		}
		if findLabel(t, c, "gnome-shell-extension-appindicator") == nil {
			t.Error("no word on the missing tray host")
		}
	})
	// Start at login is in the window's Settings menu, ticked or not.
	login := func() *fyne.MenuItem {
		t.Helper()
		var item *fyne.MenuItem
		f.ui.doAndWait(func() {
			for _, it := range f.ui.settingsMenu().Items {
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
	if login().Checked {
		t.Fatal("Start at login is ticked on first run")
	}
	entry := filepath.Join(home, ".config", "autostart", "io.github.tokentray.desktop")
	f.ui.doAndWait(login().Action)
	if _, err := os.Stat(entry); err != nil {
		t.Errorf("autostart entry after ticking: %v", err)
	}
	if !login().Checked {
		t.Error("Start at login is not ticked after ticking it")
	}
	f.ui.doAndWait(login().Action)
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Errorf("autostart entry after unticking: %v", err)
	}
}
