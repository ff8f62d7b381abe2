package tray

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// layoutButton finds a dialog's button by its text, as the canvas
// holds it (the keyboard wrapper, whose place Fyne knows).
func layoutButton(t *testing.T, c fyne.Canvas, text string) *keyButton {
	return findDialog(t, c, func(b *keyButton) bool { return b.Text == text })
}

// layoutWithin says whether o lies wholly inside the area at pos of
// size, where the driver places it.
func layoutWithin(o fyne.CanvasObject, pos fyne.Position, size fyne.Size) bool {
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	end := at.Add(o.Size())
	return at.X >= pos.X && at.Y >= pos.Y && end.X <= pos.X+size.Width && end.Y <= pos.Y+size.Height && !o.Size().IsZero()
}

// layoutTopDialog is the dialog on top of the window, as Fyne shows it: the
// pop-up's content (the dialog's background, title, form and buttons).
func layoutTopDialog(t *testing.T, c fyne.Canvas) fyne.CanvasObject {
	t.Helper()
	p, ok := c.Overlays().Top().(*widget.PopUp)
	if !ok {
		t.Fatalf("no dialog on top of the window: %T", c.Overlays().Top())
	}
	return p.Content
}

// layoutCheckButtons checks that the dialog's Save and Close buttons are
// inside the dialog and the dialog inside the window, and that the mouse
// reaches Close: a tap where it shows closes the dialog.
func layoutCheckButtons(t *testing.T, f *fixture, what string) {
	t.Helper()
	c := f.ui.win.Canvas()
	f.ui.doAndWait(func() {
		d := layoutTopDialog(t, c)
		dPos, dSize := fyne.CurrentApp().Driver().AbsolutePositionForObject(d), d.Size()
		if !layoutWithin(d, fyne.Position{}, c.Size()) {
			t.Errorf("%s: the dialog (%v at %v) goes beyond the window (%v)", what, dSize, dPos, c.Size())
		}
		for _, name := range []string{"Save", "Close"} {
			b := layoutButton(t, c, name)
			if b == nil {
				t.Fatalf("%s: no %s button", what, name)
			}
			if !layoutWithin(b, dPos, dSize) || !layoutWithin(b, fyne.Position{}, c.Size()) {
				t.Errorf("%s: the %s button (%v at %v) is not inside the dialog (%v at %v) in the window (%v)", what, name,
					b.Size(), fyne.CurrentApp().Driver().AbsolutePositionForObject(b), dSize, dPos, c.Size())
			}
		}
		b := layoutButton(t, c, "Close")
		test.TapCanvas(c, fyne.CurrentApp().Driver().AbsolutePositionForObject(b).Add(fyne.NewPos(b.Size().Width/2, b.Size().Height/2)))
		if n := len(f.ui.keys.open); n != 0 {
			t.Errorf("%s: a click on Close left %d dialogs open", what, n)
		}
	})
}

// TestLayoutProviderSettings: at the window's first size (and in a smaller
// window), Provider settings keeps Save and Close inside the dialog and the
// window (the form scrolls above them), and a click on Close closes it;
// the placeholders are read whole; the Redirect label is not greyed out
// while its field is enabled; the dialog says where a client ID comes from.
func TestLayoutProviderSettings(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.ui.win.Canvas()
	if c.Size() != defaultWindow {
		t.Fatalf("the window is %v, want its first size %v", c.Size(), defaultWindow)
	}
	_, redirect := openProviderSettings(t, f, "Clio (Europe)")
	f.ui.doAndWait(func() {
		if redirect.Disabled() {
			t.Fatal("Clio (Europe)'s Redirect field is disabled")
		}
		label := findDialog(t, c, func(l *canvas.Text) bool { return l.Text == "Redirect" })
		if label == nil {
			t.Fatal("no Redirect label")
		}
		if fg := theme.Color(theme.ColorNameForeground); label.Color != fg {
			t.Errorf("the Redirect label's colour is %v, want the other labels' %v", label.Color, fg)
		}
		if findDialogLabel(t, c, "The client ID and secret come from the app registered for Tokentray at the provider") == "" {
			t.Error("no word on where the client ID comes from")
		}
		// Every placeholder fits its field: its text, the field's inner
		// padding on both sides and its button (the secret's eye, the
		// redirect's choices).
		findDialog(t, c, func(e *widget.Entry) bool {
			if e.PlaceHolder == "" {
				return false
			}
			room := e.Size().Width - 2*theme.InnerPadding()
			if e.ActionItem != nil {
				room -= e.ActionItem.MinSize().Width + theme.Padding()
			}
			if need := fyne.MeasureText(e.PlaceHolder, theme.TextSize(), e.TextStyle).Width; need > room {
				t.Errorf("the placeholder %q needs %v, its field has %v", e.PlaceHolder, need, room)
			}
			return false
		})
	})
	// A long refusal, said above the buttons: read whole (its lines
	// inside the dialog), the buttons still in view.
	f.ui.doAndWait(func() {
		field := findDialog(t, c, func(e *widget.Entry) bool {
			return strings.HasPrefix(e.Text, "https://") && strings.Contains(e.Text, "token")
		})
		if field == nil {
			t.Fatal("no Token URL field")
		}
		field.SetText("http://clio.firm.example/oauth/token")
		test.Tap(findDialogButton(t, c, "Save"))
	})
	var said *widget.Label
	f.eventually("the refusal", func() bool {
		said = findDialog(t, c, func(l *widget.Label) bool { return strings.HasPrefix(l.Text, "Could not save.") })
		return said != nil
	})
	f.ui.doAndWait(func() {
		d := layoutTopDialog(t, c)
		if !layoutWithin(said, fyne.CurrentApp().Driver().AbsolutePositionForObject(d), d.Size()) || said.Size().Height < said.MinSize().Height {
			t.Errorf("the refusal (%v, needs %v) is not shown whole in the dialog %v: %q", said.Size(), said.MinSize(), d.Size(), said.Text)
		}
	})
	layoutCheckButtons(t, f, "at the first size")

	// A window made smaller: the dialog shrinks, the form scrolls, the
	// buttons stay.
	f.ui.doAndWait(func() { f.ui.win.Resize(fyne.NewSize(600, 420)) })
	openProviderSettings(t, f, "ClientCasa")
	layoutCheckButtons(t, f, "at 600×420")
	f.ui.doAndWait(func() { f.ui.win.Resize(defaultWindow) })

	// The form's end is reached by scrolling: Add provider works.
	openProviderSettings(t, f, "Clio (Europe)")
	f.ui.doAndWait(func() {
		scroll := findDialog(t, c, func(*container.Scroll) bool { return true }) // the form's
		if scroll == nil {
			t.Fatal("the form does not scroll")
		}
		add := layoutButton(t, c, "Add provider")
		scroll.ScrollToBottom()
		if at, top := fyne.CurrentApp().Driver().AbsolutePositionForObject(add), fyne.CurrentApp().Driver().AbsolutePositionForObject(scroll); at.Y+add.Size().Height > top.Y+scroll.Size().Height+1 {
			t.Errorf("scrolled to the bottom, Add provider (at %v) is still below the form's end (%v)", at.Y, top.Y+scroll.Size().Height)
		}
	})
}

// layoutOpenPreferences opens the preferences and waits for the form.
func layoutOpenPreferences(t *testing.T, f *fixture) {
	t.Helper()
	f.ui.doAndWait(f.ui.ShowPreferences)
	f.eventually("the preferences form", func() bool {
		return findDialog(t, f.ui.win.Canvas(), func(*widget.Check) bool { return true }) != nil
	})
}

// layoutNotifyBox is the preferences' Show notifications box.
func layoutNotifyBox(t *testing.T, c fyne.Canvas) *widget.Check {
	return findDialog(t, c, func(k *widget.Check) bool { return k.Text == "Show notifications" })
}

// TestLayoutPreferencesSaveCloses: Save saves and closes; the window's
// status line says so, and that the refresh timing applies from the next
// start when it changed. The buttons are inside the window.
func TestLayoutPreferencesSaveCloses(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.ui.win.Canvas()
	layoutOpenPreferences(t, f)
	f.ui.doAndWait(func() {
		layoutNotifyBox(t, c).SetChecked(false)
		test.Tap(findDialogButton(t, c, "Save"))
	})
	f.eventually("the preferences closed", func() bool { return len(f.ui.keys.open) == 0 })
	f.ui.doAndWait(func() {
		if got := f.ui.status.Text; got != "Preferences saved." {
			t.Errorf("the status line says %q after saving", got)
		}
	})
	if s, err := f.app.Settings(); err != nil || !s.NotificationsOff {
		t.Fatalf("after Save: notifications off %v, %v", s.NotificationsOff, err)
	}

	layoutOpenPreferences(t, f)
	layoutCheckButtons(t, f, "Preferences at the first size")
	layoutOpenPreferences(t, f)
	f.ui.doAndWait(func() {
		margin := findDialog(t, c, func(s *widget.Select) bool { return strings.HasPrefix(s.Selected, "Automatically") })
		if margin == nil {
			t.Fatal("no refresh timing choice")
		}
		margin.SetSelected("10 minutes")
		f.ui.typedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter saves too
	})
	f.eventually("the preferences closed", func() bool { return len(f.ui.keys.open) == 0 })
	f.ui.doAndWait(func() {
		if got := f.ui.status.Text; got != "Preferences saved. The refresh timing applies from the next start." {
			t.Errorf("the status line says %q after changing the refresh timing", got)
		}
	})
	if s, _ := f.app.Settings(); s.RefreshMarginMinutes != 10 {
		t.Errorf("refresh margin saved: %d, want 10", s.RefreshMarginMinutes)
	}
}

// TestLayoutPreferencesCloseAsks: Close without a change just closes; with
// one, it asks: Keep editing (or Escape) goes back to the form, the change
// still there; Discard closes and saves nothing. Escape on the form asks
// too.
func TestLayoutPreferencesCloseAsks(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.ui.win.Canvas()
	open := func() int { n := 0; f.ui.doAndWait(func() { n = len(f.ui.keys.open) }); return n }
	asking := func() bool { return findDialogLabel(t, c, "Discard your changes?") != "" }

	layoutOpenPreferences(t, f)
	f.ui.doAndWait(func() { test.Tap(findDialogButton(t, c, "Close")) })
	if n := open(); n != 0 {
		t.Fatalf("Close without a change left %d dialogs open", n)
	}

	layoutOpenPreferences(t, f)
	f.ui.doAndWait(func() {
		layoutNotifyBox(t, c).SetChecked(false)
		test.Tap(findDialogButton(t, c, "Close"))
		if !asking() {
			t.Fatal("Close with a change does not ask")
		}
		test.Tap(findDialogButton(t, c, "Keep editing"))
	})
	f.ui.doAndWait(func() {
		if n := len(f.ui.keys.open); n != 1 || asking() {
			t.Fatalf("after Keep editing: %d dialogs open, still asking %v", n, asking())
		}
		if box := layoutNotifyBox(t, c); box == nil || box.Checked {
			t.Fatal("Keep editing lost the change")
		}
		f.ui.typedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) // Escape asks too
		if !asking() {
			t.Fatal("Escape with a change does not ask")
		}
		f.ui.typedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) // and Escape again keeps editing
		if n := len(f.ui.keys.open); n != 1 || asking() {
			t.Fatalf("Escape on the question: %d dialogs open, still asking %v", n, asking())
		}
		test.Tap(findDialogButton(t, c, "Close"))
		test.Tap(findDialogButton(t, c, "Discard"))
	})
	if n := open(); n != 0 {
		t.Fatalf("Discard left %d dialogs open", n)
	}
	if s, err := f.app.Settings(); err != nil || s.NotificationsOff {
		t.Errorf("Discard saved the change: notifications off %v, %v", s.NotificationsOff, err)
	}
}
