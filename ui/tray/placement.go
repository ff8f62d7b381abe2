package tray

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"fyne.io/fyne/v2/lang"

	"github.com/tokentray/tokentray/ui/accounts"
	"github.com/tokentray/tokentray/ui/system"
)

// The accounts window's size and place: kept when it is closed and when
// the app quits or stops, and given back to it at the next start.

// defaultWindow is the accounts window's size until the user changed it.
var defaultWindow = fyne.NewSize(640, 600)

// savedWindow is the window's size and place when it was last closed, if
// saved.
func savedWindow(app *accounts.App) *accounts.WindowSize {
	if s, err := app.Settings(); err == nil && s.Window != nil {
		return s.Window
	}
	return nil
}

// nativeHandle is the window's X11 ID or HWND; 0 before the window is made,
// or on desktops where Tokentray cannot place windows.
func (u *UI) nativeHandle() uintptr {
	nw, ok := u.win.(driver.NativeWindow)
	if !ok {
		return 0
	}
	var h uintptr
	nw.RunNative(func(ctx any) {
		switch c := ctx.(type) {
		case driver.X11WindowContext:
			h = c.WindowHandle
		case driver.WindowsWindowContext:
			h = c.HWND
		}
	})
	return h
}

// placeWindow puts the window back where it was when last closed, once,
// when it is first shown (if that place is still on a screen).
func (u *UI) placeWindow() {
	w := u.placeAt
	if w == nil || !w.Placed {
		return
	}
	h := u.nativeHandle()
	if h == 0 {
		return // not made yet: the next show tries again
	}
	u.placeAt = nil
	if p := (system.Point{X: w.X, Y: w.Y}); system.OnScreen(p) {
		_ = system.MoveWindow(h, p) // best effort: the window manager has the last word
	}
}

// windowNow is the window's size and place now.
func (u *UI) windowNow() (accounts.WindowSize, bool) {
	w, ok := u.windowSize()
	if !ok {
		return w, false
	}
	return u.withPlace(w), true
}

// windowSize is the window's size now, as Fyne knows it (no call to the
// windowing system: it works after the app has stopped too).
func (u *UI) windowSize() (accounts.WindowSize, bool) {
	size := u.win.Canvas().Size()
	if size.Width <= 0 || size.Height <= 0 {
		return accounts.WindowSize{}, false
	}
	return accounts.WindowSize{Width: size.Width, Height: size.Height}, true
}

// withPlace is w with the window's place now, when the windowing system
// gives it (only while the app runs).
func (u *UI) withPlace(w accounts.WindowSize) accounts.WindowSize {
	if h := u.nativeHandle(); h != 0 {
		if p, err := system.WindowPosition(h); err == nil {
			w.Placed, w.X, w.Y = true, p.X, p.Y
		}
	}
	return w
}

// closeWindow hides the window (the app lives on in the tray), keeping its
// size for the next start.
func (u *UI) closeWindow() {
	u.saveWindow()
	u.win.Hide()
}

// saveWindow remembers the window's size for the next start.
func (u *UI) saveWindow() {
	w, ok := u.windowNow()
	if !ok {
		return
	}
	u.goOwned(func() {
		err := u.app.SaveWindow(u.ctx, w)
		u.do(func() {
			if err != nil {
				u.setStatusLine(lang.L("Could not remember the window's size. {{.Reason}}", map[string]any{"Reason": plainError(err)}))
			}
		})
	})
}

// saveWindowNow saves the window's size (and, with place, its place)
// before the app goes, waiting for it (a little): best effort, the user is
// quitting.
func (u *UI) saveWindowNow(place bool) {
	w, ok := u.windowSize()
	if !ok {
		return
	}
	if place {
		w = u.withPlace(w)
	}
	ctx, cancel := context.WithTimeout(u.ctx, 2*time.Second)
	defer cancel()
	_ = u.app.SaveWindow(ctx, w)
}
