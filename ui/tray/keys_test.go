package tray

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// press sends a key as Fyne's desktop driver does: to the focused widget,
// or to the window when nothing has the focus.
func press(c fyne.Canvas, key fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: key}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	if h := c.OnTypedKey(); h != nil {
		h(ev)
	}
}

// TestDialogKeys: every dialog closes with Escape, wherever the focus is;
// Enter does the dialog's main action; Tab goes through the connect
// dialog in reading order, and Enter on a focused button presses it.
func TestDialogKeys(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.ui.win.Canvas()
	open := func() int { n := 0; f.ui.doAndWait(func() { n = len(c.Overlays().List()) }); return n }

	// Escape, with the focus in the name field (the connect dialog puts it there).
	f.ui.doAndWait(func() { f.ui.ShowConnect("demo") })
	f.eventually("the connect dialog", func() bool {
		_, ok := findOK(t, c.Overlays().Top(), func(l *widget.Label) bool { return l.Text == "Which account do you want to connect?" })
		return ok
	})
	f.ui.doAndWait(func() {
		if _, ok := c.Focused().(*keyEntry); !ok {
			t.Errorf("the connect dialog opens with the focus on %T, want the name field", c.Focused())
		}
		press(c, fyne.KeyEscape)
	})
	if n := open(); n != 0 {
		t.Fatalf("Escape in the name field left %d dialogs open", n)
	}

	// Tab order: provider, name, Cancel, Connect; Escape on a button, on a choice.
	f.ui.doAndWait(func() { f.ui.ShowConnect("demo") })
	f.eventually("the connect dialog again", func() bool { return f.ui.connectUI != nil && c.Focused() != nil })
	var order []string
	f.ui.doAndWait(func() {
		c.Unfocus()
		for range 4 {
			test.FocusNext(c)
			switch w := c.Focused().(type) {
			case *keySelect:
				order = append(order, "choice:"+w.Selected)
			case *keyEntry:
				order = append(order, "entry")
			case *keyButton:
				order = append(order, "button:"+w.Text)
			default:
				order = append(order, fmtType(w))
			}
		}
	})
	if got := fmtList(order); got != "choice:Demo provider|entry|button:Cancel|button:Connect" {
		t.Errorf("Tab goes %s", got)
	}
	f.ui.doAndWait(func() { press(c, fyne.KeyEscape) }) // on Connect
	if n := open(); n != 0 {
		t.Fatalf("Escape on a button left %d dialogs open", n)
	}

	// Enter in the name field connects (the stand-in browser approves).
	f.ui.doAndWait(func() { f.ui.ShowConnect("demo") })
	f.eventually("the connect dialog a third time", func() bool { return f.ui.connectUI != nil && c.Focused() != nil })
	f.ui.doAndWait(func() {
		test.Type(c.Focused(), "By keyboard")
		press(c, fyne.KeyReturn)
	})
	f.eventually("the account connected by Enter", func() bool {
		return len(f.ui.statuses) == 1 && f.ui.statuses[0].Name == "By keyboard"
	})
	f.eventually("the success step", func() bool { return findDialogLabel(t, c, "Connected By keyboard.") != "" })
	f.ui.doAndWait(func() { c.Unfocus(); press(c, fyne.KeyReturn) }) // Enter: Close
	if n := open(); n != 0 {
		t.Fatalf("Enter on the last step left %d dialogs open", n)
	}

	// The disconnect confirmation: Escape keeps the account, Enter disconnects.
	id := f.ui.statuses[0].ID
	f.ui.doAndWait(func() { f.ui.ConfirmDisconnect(id, "By keyboard") })
	f.ui.doAndWait(func() { press(c, fyne.KeyEscape) })
	if n := open(); n != 0 {
		t.Fatalf("Escape left the confirmation open")
	}
	// With the focus on its buttons: Escape on Disconnect keeps the account.
	f.ui.doAndWait(func() { f.ui.ConfirmDisconnect(id, "By keyboard") })
	f.ui.doAndWait(func() {
		c.Unfocus()
		test.FocusNext(c) // Cancel
		test.FocusNext(c) // Disconnect
		if b, ok := c.Focused().(*keyButton); !ok || b.Text != "Disconnect" {
			t.Errorf("Tab goes to %v, want the Disconnect button", c.Focused())
		}
		press(c, fyne.KeyEscape)
	})
	if n := open(); n != 0 || len(f.ui.statuses) != 1 {
		t.Fatalf("Escape on the Disconnect button: %d dialogs open, %d accounts", n, len(f.ui.statuses))
	}
	f.ui.doAndWait(func() { f.ui.ConfirmDisconnect(id, "By keyboard") })
	f.ui.doAndWait(func() { press(c, fyne.KeyReturn) })
	f.eventually("the account disconnected by Enter", func() bool { return len(f.ui.statuses) == 0 })

	// Preferences: Escape closes it (focus on a choice).
	f.ui.doAndWait(f.ui.ShowPreferences)
	f.eventually("the preferences", func() bool { return findDialogButton(t, c, "Save") != nil })
	f.ui.doAndWait(func() {
		test.FocusNext(c)
		press(c, fyne.KeyEscape)
	})
	if n := open(); n != 0 {
		t.Fatalf("Escape left the preferences open")
	}
}

func fmtType(o any) string {
	if o == nil {
		return "nothing"
	}
	return "other"
}
