package tray

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/keeper"
)

// TestPreferences: the choices are saved with the accounts and apply at
// once (clipboard delay, notifications).
func TestPreferences(t *testing.T) {
	f := newFixture(t, Options{})
	f.ui.doAndWait(f.ui.ShowPreferences)
	var clear *widget.Select
	f.eventually("the preferences form", func() bool {
		clear = findDialog(t, f.ui.win.Canvas(), func(s *widget.Select) bool { return s.Selected == "30 seconds" })
		return clear != nil
	})
	f.ui.doAndWait(func() {
		clear.SetSelected("Never")
		findDialog(t, f.ui.win.Canvas(), func(*widget.Check) bool { return true }).SetChecked(false)
		findDialog(t, f.ui.win.Canvas(), func(c *widget.Check) bool { return strings.HasPrefix(c.Text, "Gateway") }).SetChecked(true)
		test.Tap(findDialogButton(t, f.ui.win.Canvas(), "Save"))
	})
	f.eventually("saved and closed", func() bool { return len(f.ui.keys.open) == 0 && f.ui.status.Text == "Preferences saved." })
	s, err := f.app.Settings()
	if err != nil || s.ClearClipboardSeconds != 0 || !s.NotificationsOff || !s.Gateway.On {
		t.Fatalf("saved settings: %+v, %v", s, err)
	}
	f.eventually("the gateway serving", func() bool { return f.ui.gwPort != 0 })
	var clearAfter time.Duration
	f.ui.doAndWait(func() {
		clearAfter = f.ui.opts.ClearAfter
		f.ui.note(keeper.Event{Account: "x", Kind: keeper.EventReconnectNeeded, Err: &auth.Error{Kind: auth.KindReconnect}})
	})
	if clearAfter >= 0 {
		t.Errorf("clear delay %v, want never", clearAfter)
	}
	if n := f.fyneApp.count("needs to be reconnected"); n != 0 {
		t.Errorf("%d notifications with notifications off", n)
	}
}
