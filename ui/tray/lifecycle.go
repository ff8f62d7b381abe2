package tray

import (
	"runtime/debug"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// The UI's life: Start, Close, quitting and the app's stop.

// startupSettles is how long after Start the start-up memory is returned.
const startupSettles = 8 * time.Second

// Start loads the accounts and follows the keeper's events until Close.
func (u *UI) Start() {
	u.loadEvents()
	events, unsubscribe := u.app.Subscribe(64)
	u.reload()
	u.do(u.refreshSetUp) // the start screen's "Not set up on this computer yet"
	u.applyManaged(false)
	u.startGateway()
	if check := u.opts.CheckKeyring; check != nil {
		u.goOwned(func() {
			if err := check(u.ctx); err != nil {
				u.do(func() {
					note := widget.NewLabel(plainError(err))
					note.Wrapping = fyne.TextWrapWord
					note.Importance = widget.DangerImportance
					u.top.Add(note)
				})
			}
		})
	}
	// Starting up (parsing fonts, building the window) leaves garbage that
	// Go would hand back to the system only slowly; an app that then idles
	// all day returns it once, when the window has settled.
	u.goOwned(func() {
		t := time.NewTimer(startupSettles)
		defer t.Stop()
		select {
		case <-t.C:
			debug.FreeOSMemory()
		case <-u.ctx.Done():
		}
	})
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		defer unsubscribe()
		// Refresh the status words (they count minutes) and pick up what
		// other processes (the command line) changed. Cheap: an unchanged
		// account file is not parsed again, and the menu is rebuilt only
		// when what it shows changed.
		tick := time.NewTicker(10 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-u.ctx.Done():
				return
			case e, ok := <-events:
				if !ok {
					return
				}
				sts, err := u.app.Statuses()
				names := u.providerNames(sts)
				u.do(func() {
					if err == nil {
						u.setStatuses(sts, names)
					}
					u.note(e) // after: it names the account from the statuses
				})
			case <-tick.C:
				u.reload()
			}
		}
	}()
}

// Close stops the UI's goroutines and waits for them. It makes no Fyne
// calls, so it may run after the app's loop ended.
func (u *UI) Close() {
	keyTargets.Delete(u.win.Canvas())
	u.cancel()
	u.wg.Wait()
}

// quit ends the app. Before the app stops its windows (and the clipboard
// with them) are still there: a token Copy left on the clipboard is
// cleared, and the window's size and place are kept. The tray's Quit and
// the session's end (takeSignals) both come here.
func (u *UI) quit() {
	u.clearCopied()
	u.saveWindowNow(true)
	u.fyneApp.Quit()
}

// Stopped runs as the app stops (Lifecycle().SetOnStopped), after its
// windows and the clipboard are gone (quit did what needs them). Stopped
// some other way than quit, the window's size is kept as at a close (its
// place is gone with its window; the one saved before stays).
func (u *UI) Stopped() {
	u.saveWindowNow(false)
}
