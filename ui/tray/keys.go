package tray

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The keyboard in dialogs: Escape closes the dialog on top, Enter does its
// main action (or, on a focused button, presses it).
//
// Fyne 2.7 hands a key to the focused widget alone, and its widgets ignore
// Escape (and buttons Enter), so the dialogs' widgets are these small
// wrappers, which pass the two keys to the UI of their window; with
// nothing focused, the window's own key handler does the same.

// dialogKeys are the dialogs open in a window, the top one last.
type dialogKeys struct {
	open []*openDialog
}

type openDialog struct {
	d     dialog.Dialog
	enter func() // the main action; nil: none
}

// keyTargets maps a window's canvas to its UI, for the wrappers.
var keyTargets sync.Map // fyne.Canvas → *UI

// trackDialog makes Escape close d and Enter run enter (if not nil) while d
// is the top dialog; it stops when d closes.
func (u *UI) trackDialog(d dialog.Dialog, enter func()) *openDialog {
	o := &openDialog{d: d, enter: enter}
	u.keys.open = append(u.keys.open, o)
	d.SetOnClosed(func() {
		for i, x := range u.keys.open {
			if x == o {
				u.keys.open = append(u.keys.open[:i], u.keys.open[i+1:]...)
				break
			}
		}
	})
	return o
}

// typedKey is the window's key handler, and the wrappers' for the keys
// they do not use themselves. It says whether it used the key.
func (u *UI) typedKey(ev *fyne.KeyEvent) bool {
	if len(u.keys.open) == 0 {
		return false
	}
	top := u.keys.open[len(u.keys.open)-1]
	switch ev.Name {
	case fyne.KeyEscape:
		top.d.Hide()
		return true
	case fyne.KeyReturn, fyne.KeyEnter:
		if top.enter != nil {
			top.enter()
			return true
		}
	}
	return false
}

// passKey hands a key to the UI of the window showing o.
func passKey(o fyne.CanvasObject, ev *fyne.KeyEvent) bool {
	if ev.Name != fyne.KeyEscape && ev.Name != fyne.KeyReturn && ev.Name != fyne.KeyEnter {
		return false
	}
	app := fyne.CurrentApp()
	if app == nil {
		return false
	}
	c := app.Driver().CanvasForObject(o)
	if c == nil {
		return false
	}
	if u, ok := keyTargets.Load(c); ok {
		return u.(*UI).typedKey(ev)
	}
	return false
}

// keyButton is a button that Enter presses too, and on which Escape closes
// the dialog. Focused, it draws the focus ring (theme.go); tapped, it
// remembers where it was drawn (at).
type keyButton struct {
	widget.Button
	focus bool

	tap         *fyne.PointEvent // the tap being handled, while it is
	lastAt      fyne.Position    // where the button was last known to be drawn
	lastAtKnown bool
}

func newButton(label string, tapped func()) *keyButton {
	return newButtonWithIcon(label, nil, tapped)
}

func newButtonWithIcon(label string, icon fyne.Resource, tapped func()) *keyButton {
	b := &keyButton{Button: widget.Button{Text: label, Icon: icon, OnTapped: tapped}}
	b.ExtendBaseWidget(b)
	return b
}

// Tapped presses the button, knowing where the tap found it (at).
func (b *keyButton) Tapped(ev *fyne.PointEvent) {
	if ev != nil {
		b.tap = ev
		b.lastAt, b.lastAtKnown = ev.AbsolutePosition.Subtract(ev.Position), true
		defer func() { b.tap = nil }()
	}
	b.Button.Tapped(ev)
}

// at is the button's top-left corner in its window's canvas, as drawn now:
// where the tap being handled found it; else where the driver finds it;
// else where it was last seen (the driver loses track of objects it has
// not been asked about for a minute, until it draws them again).
func (b *keyButton) at() (fyne.Position, bool) {
	if b.tap != nil {
		return b.tap.AbsolutePosition.Subtract(b.tap.Position), true
	}
	if app := fyne.CurrentApp(); app != nil {
		if c := app.Driver().CanvasForObject(b); c != nil {
			b.lastAt, b.lastAtKnown = app.Driver().AbsolutePositionForObject(b), true
		}
	}
	return b.lastAt, b.lastAtKnown
}

func (b *keyButton) FocusGained() {
	b.focus = true
	b.at() // while the driver knows where it is: the keyboard may press it next
	b.Button.FocusGained()
}

func (b *keyButton) FocusLost() {
	b.focus = false
	b.Button.FocusLost()
}

func (b *keyButton) CreateRenderer() fyne.WidgetRenderer {
	return withFocusRing(b, b.Button.CreateRenderer())
}

func (b *keyButton) ringShown() bool { return b.focus && !b.Disabled() }

func (b *keyButton) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if !b.Disabled() {
			b.Tapped(nil)
		}
	case fyne.KeyEscape:
		passKey(b, ev)
	default:
		b.Button.TypedKey(ev)
	}
}

func (b *keyButton) inner() fyne.CanvasObject { return &b.Button }

// keyEntry is an entry on which Escape closes the dialog, and Enter (on one
// line, with no OnSubmitted of its own) does the dialog's main action.
type keyEntry struct {
	widget.Entry
	focus bool
}

func newEntry() *keyEntry {
	e := &keyEntry{Entry: widget.Entry{Wrapping: fyne.TextWrap(fyne.TextTruncateClip)}}
	e.ExtendBaseWidget(e)
	return e
}

func newMultiLineEntry() *keyEntry {
	e := &keyEntry{Entry: widget.Entry{MultiLine: true, Wrapping: fyne.TextWrap(fyne.TextTruncateClip)}}
	e.ExtendBaseWidget(e)
	return e
}

func (e *keyEntry) TypedKey(ev *fyne.KeyEvent) {
	switch {
	case ev.Name == fyne.KeyEscape:
		passKey(e, ev)
		return
	case (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter) && !e.MultiLine && e.OnSubmitted == nil:
		if passKey(e, ev) {
			return
		}
	}
	e.Entry.TypedKey(ev)
}

func (e *keyEntry) inner() fyne.CanvasObject { return &e.Entry }

func (e *keyEntry) FocusGained()    { e.focus = true; e.Entry.FocusGained() }
func (e *keyEntry) FocusLost()      { e.focus = false; e.Entry.FocusLost() }
func (e *keyEntry) ringShown() bool { return e.focus && !e.Disabled() }
func (e *keyEntry) CreateRenderer() fyne.WidgetRenderer {
	return withFocusRing(e, e.Entry.CreateRenderer())
}

// keySelect is a choice on which Escape closes the dialog and Enter does
// its main action (Space opens the choices, as Fyne's does).
type keySelect struct {
	widget.Select
	focus bool
}

func newSelect(options []string, changed func(string)) *keySelect {
	s := &keySelect{Select: widget.Select{Options: options, OnChanged: changed, PlaceHolder: lang.L("(Select one)")}}
	s.ExtendBaseWidget(s)
	return s
}

func (s *keySelect) TypedKey(ev *fyne.KeyEvent) {
	if !passKey(s, ev) {
		s.Select.TypedKey(ev)
	}
}

func (s *keySelect) inner() fyne.CanvasObject { return &s.Select }

func (s *keySelect) FocusGained()    { s.focus = true; s.Select.FocusGained() }
func (s *keySelect) FocusLost()      { s.focus = false; s.Select.FocusLost() }
func (s *keySelect) ringShown() bool { return s.focus && !s.Disabled() }
func (s *keySelect) CreateRenderer() fyne.WidgetRenderer {
	return withFocusRing(s, s.Select.CreateRenderer())
}

// keyCheck is a check box on which Escape closes the dialog and Enter does
// its main action (Space ticks it, as Fyne's does).
type keyCheck struct {
	widget.Check
	focus bool
}

func newCheck(label string, changed func(bool)) *keyCheck {
	c := &keyCheck{Check: widget.Check{Text: label, OnChanged: changed}}
	c.ExtendBaseWidget(c)
	return c
}

func (c *keyCheck) TypedKey(ev *fyne.KeyEvent) {
	if !passKey(c, ev) {
		c.Check.TypedKey(ev)
	}
}

func (c *keyCheck) inner() fyne.CanvasObject { return &c.Check }

func (c *keyCheck) FocusGained()    { c.focus = true; c.Check.FocusGained() }
func (c *keyCheck) FocusLost()      { c.focus = false; c.Check.FocusLost() }
func (c *keyCheck) ringShown() bool { return c.focus && !c.Disabled() }
func (c *keyCheck) CreateRenderer() fyne.WidgetRenderer {
	return withFocusRing(c, c.Check.CreateRenderer())
}

// setEnter sets what Enter does in the open dialog d.
func (u *UI) setEnter(d dialog.Dialog, enter func()) {
	for _, o := range u.keys.open {
		if o.d == d {
			o.enter = enter
		}
	}
}

// newPasswordEntry is a secret's entry, with a button that shows what was
// typed, on which Escape closes the dialog.
func newPasswordEntry() *keyEntry {
	e := &keyEntry{Entry: widget.Entry{Password: true, Wrapping: fyne.TextWrap(fyne.TextTruncateClip)}}
	e.ExtendBaseWidget(e)
	var reveal *keyButton // it shows the focus ring too
	reveal = newButtonWithIcon("", theme.VisibilityIcon(), func() {
		e.Password = !e.Password
		if e.Password {
			reveal.SetIcon(theme.VisibilityIcon())
		} else {
			reveal.SetIcon(theme.VisibilityOffIcon())
		}
		e.Refresh()
	})
	reveal.Importance = widget.LowImportance
	e.ActionItem = reveal
	return e
}

// keySelectEntry is an entry with choices on which Escape closes the
// dialog.
type keySelectEntry struct {
	widget.SelectEntry
	focus bool
}

func newSelectEntry(options []string) *keySelectEntry {
	e := &keySelectEntry{}
	e.ExtendBaseWidget(e)
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.SetOptions(options)
	return e
}

func (e *keySelectEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		passKey(e, ev)
		return
	}
	e.SelectEntry.TypedKey(ev)
}

func (e *keySelectEntry) inner() fyne.CanvasObject { return &e.SelectEntry }

func (e *keySelectEntry) FocusGained()    { e.focus = true; e.SelectEntry.FocusGained() }
func (e *keySelectEntry) FocusLost()      { e.focus = false; e.SelectEntry.FocusLost() }
func (e *keySelectEntry) ringShown() bool { return e.focus && !e.Disabled() }
func (e *keySelectEntry) CreateRenderer() fyne.WidgetRenderer {
	return withFocusRing(e, e.SelectEntry.CreateRenderer())
}

// confirm asks before an action, in a dialog whose buttons take the
// keyboard: Enter (or the yes button) runs onYes, Escape (or Cancel) does
// nothing.
func (u *UI) confirm(title, message, yes string, onYes func()) {
	text := widget.NewLabel(message)
	text.Wrapping = fyne.TextWrapWord
	var d dialog.Dialog
	ok := newButton(yes, func() {
		d.Hide()
		onYes()
	})
	ok.Importance = widget.HighImportance
	cancel := newButton(lang.L("Cancel"), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(title, container.NewVBox(text, container.NewHBox(layout.NewSpacer(), cancel, ok)), u.win)
	u.trackDialog(d, ok.OnTapped)
	d.Resize(fyne.NewSize(440, 0))
	d.Show()
}

// inform says something in a dialog that Enter or Escape closes.
func (u *UI) inform(title, message string) {
	text := widget.NewLabel(message)
	text.Wrapping = fyne.TextWrapWord
	var d dialog.Dialog
	closeButton := newButton(lang.L("Close"), func() { d.Hide() })
	closeButton.Importance = widget.HighImportance
	d = dialog.NewCustomWithoutButtons(title, container.NewVBox(text, container.NewHBox(layout.NewSpacer(), closeButton)), u.win)
	u.trackDialog(d, d.Hide)
	d.Resize(fyne.NewSize(440, 0))
	d.Show()
}
