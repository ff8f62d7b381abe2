package tray

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestSettingsMenuUnderItsButton: the window's Settings menu opens under
// the Settings button, where the button is drawn (issue 26: it once opened
// in the window's top-left corner), tapped or pressed with the keyboard,
// even when the driver's lookup of the button's window fails.
func TestSettingsMenuUnderItsButton(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.ui.win.Canvas()
	var more *keyButton
	f.ui.doAndWait(func() {
		more = findIn(t, c.Content(), func(b *keyButton) bool { return b.Text == "Settings" })
	})
	if more == nil {
		t.Fatal("no Settings button in the window")
	}
	check := func(what string, open func()) {
		t.Helper()
		f.ui.doAndWait(func() {
			at, ok := posIn(t, c.Content(), more)
			if !ok {
				t.Fatal("the Settings button is not drawn")
			}
			// In the canvas's interactive area, as pop-ups and taps are.
			inset, area := c.InteractiveArea()
			at = at.Add(c.Content().Position()).Subtract(inset)
			open()
			var m *widget.PopUpMenu
			if top := c.Overlays().Top(); top != nil {
				m, _ = findOK(t, top, func(*widget.PopUpMenu) bool { return true })
			}
			if m == nil {
				t.Fatalf("%s: no menu open (%T)", what, c.Overlays().Top())
			}
			defer m.Hide()
			got, size, bw := m.Position(), m.Size(), more.Size().Width
			want := at.AddXY(0, more.Size().Height)
			if right := area.Width - size.Width; want.X > right { // kept inside the window
				want.X = right
			}
			if got != want {
				t.Errorf("%s: the Settings menu at %v (%v), want %v, under its button at %v (%v)", what, got, size, want, at, more.Size())
			}
			if got == (fyne.Position{}) {
				t.Errorf("%s: the Settings menu in the window's top-left corner", what)
			}
			if got.X >= at.X+bw || got.X+size.Width <= at.X {
				t.Errorf("%s: the Settings menu (x %v to %v) is not under its button (x %v to %v)", what, got.X, got.X+size.Width, at.X, at.X+bw)
			}
		})
	}
	check("tapped", func() { test.Tap(more) })
	check("Space on the focused button", func() {
		c.Focus(more)
		more.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	})
	// Another window made after the accounts window: the driver's lookup
	// of the button's window finds the wrong one. The tap (as the real
	// driver makes it, from where the pointer is) still says where the
	// button is.
	other := f.fyneApp.NewWindow("Other")
	t.Cleanup(other.Close)
	check("tapped, the lookup failing", func() {
		at, _ := posIn(t, c.Content(), more)
		at = at.Add(c.Content().Position())
		inset, _ := c.InteractiveArea()
		in := fyne.NewPos(5, 5)
		more.Tapped(&fyne.PointEvent{Position: in, AbsolutePosition: at.Subtract(inset).Add(in)})
	})
}
