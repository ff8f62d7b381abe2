// Package tray is Tokentray's desktop app, built with Fyne: the tray icon
// and menu, the accounts window, the connect dialog, copying tokens and
// notifications. It contains no OAuth logic and never calls the keyring or
// HTTP itself: it asks ui/accounts and shows what the keeper
// publishes.
//
// Threading: widgets are touched only on Fyne's goroutine (fyne.Do);
// callbacks never block on I/O: they start work in goroutines the UI owns
// and stops on Close.
package tray

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/ui/accounts"
	"github.com/tokentray/tokentray/ui/system"
)

// AppID is the application ID (also in FyneApp.toml): system.AppID, the
// one Windows shows notifications under.
const AppID = system.AppID

// Tray is the system tray; desktop.App satisfies it. Tests record calls.
type Tray interface {
	SetSystemTrayMenu(*fyne.Menu)
	SetSystemTrayIcon(fyne.Resource)
}

// Options configures the UI. The zero value is usable.
type Options struct {
	// ClearAfter is how long a copied token stays on the clipboard; default
	// 30 s; negative means never.
	ClearAfter time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
	// OpenURL opens the sign-in page (Run's: system.Browser's Open); nil
	// opens none, and the connect dialog shows the address to open by
	// hand.
	OpenURL func(string) error
	// Autostart is the "Start at login" setting; nil hides the toggle.
	Autostart interface {
		Enabled() (bool, error)
		Set(on bool) error
	}
	// NoTrayHost says the desktop shows no tray icons: the window says how
	// to get them, and stays the way in.
	NoTrayHost bool
	// NotificationsOff silences desktop notifications.
	NotificationsOff bool
	// CheckKeyring, when set, is asked at start whether the system keyring
	// works (the store's CheckKeyring); if not, the window says what to install or
	// unlock.
	CheckKeyring func(context.Context) error
}

// UI is the desktop app's state. Its exported methods are called on Fyne's
// goroutine, except Start and Close.
type UI struct {
	app  fyne.App
	be   *accounts.App // the application layer; the only one there is
	tray Tray
	opts Options

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	// mu serialises the functions given to do: Fyne's app runs them on its
	// one goroutine anyway, but its test driver runs them where they are
	// called.
	mu sync.Mutex
	// Only inside do (or Fyne callbacks):
	win       fyne.Window
	top       *fyne.Container
	statuses  []keeper.Status
	names     map[string]string // provider ID → name
	menuSig   string            // what the tray menu shows, to rebuild it only on change
	listSig   string            // what the window's list shows, likewise
	list      *widget.List
	empty     *fyne.Container
	status    *widget.Label
	events    *widget.List // recent events, newest first, in a fixed height
	log       []string     // their lines, oldest first
	lastCopy  string       // what Copy put on the clipboard, until cleared
	copied    copiedCard   // the card showing "Copied · clears in 30 s"
	clipSeq   int          // counts copies: only the last one's timer clears
	selected  string       // the account selected in the window (Ctrl+C copies it)
	connectUI *connectDialog
	keys      dialogKeys           // the dialogs open, for Escape and Enter
	placeAt   *accounts.WindowSize // where to put the window at its first show
	gw        *gatewayPanel        // the gateway's line in the window
	gwPort    int                  // the port the gateway serves on; 0: it does not
	managed   *widget.Label        // "Managed by …", shown when IT manages Tokentray
	said      map[string]bool      // managed-settings problems said in the events list

	// applied, when set (by tests, before Start), is called after each
	// update do applied, under mu; it must not block.
	applied func()

	gwWake chan struct{} // makes the gateway look at its settings now

	line statusLine // what the status line says, and until when (only inside do)
}

// New makes the UI; tray may be nil (no tray host: the window is the app).
func New(a fyne.App, be *accounts.App, tray Tray, opts Options) *UI {
	if opts.ClearAfter == 0 {
		opts.ClearAfter = 30 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	u := &UI{app: a, be: be, tray: tray, opts: opts, ctx: ctx, cancel: cancel, gwWake: make(chan struct{}, 1)}
	u.win = a.NewWindow("Tokentray")
	u.win.SetIcon(Icon)
	u.win.SetContent(u.content())
	u.win.Resize(defaultWindow)
	if w := savedWindow(be); w != nil {
		u.win.Resize(fyne.NewSize(w.Width, w.Height))
		u.placeAt = w
	}
	u.win.SetCloseIntercept(u.closeWindow)
	u.win.Canvas().AddShortcut(&fyne.ShortcutCopy{}, func(fyne.Shortcut) { u.copySelected() })
	u.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) { u.typedKey(ev) })
	keyTargets.Store(u.win.Canvas(), u)
	u.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) {
		for _, uri := range uris {
			if uri.Scheme() == "file" {
				u.ImportProfile(uri.Path())
			}
		}
	})
	return u
}

// defaultWindow is the accounts window's size until the user changed it.
var defaultWindow = fyne.NewSize(640, 600)

// savedWindow is the window's size and place when it was last closed, if
// saved.
func savedWindow(be *accounts.App) *accounts.WindowSize {
	if s, err := be.Settings(); err == nil && s.Window != nil {
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
		err := u.be.SaveWindow(u.ctx, w)
		u.do(func() {
			if err != nil {
				u.setStatusLine(lang.L("Could not remember the window's size. {{.Reason}}", map[string]any{"Reason": plainError(err)}))
			}
		})
	})
}

// Window is the accounts window.
func (u *UI) Window() fyne.Window { return u.win }

// startupSettles is how long after Start the start-up memory is returned.
const startupSettles = 8 * time.Second

// Start loads the accounts and follows the keeper's events until Close.
func (u *UI) Start() {
	u.loadEvents()
	events, unsubscribe := u.be.Subscribe(64)
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
				sts, err := u.be.Statuses()
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

// reload reads the statuses (I/O) off Fyne's goroutine and applies them on it.
func (u *UI) reload() {
	sts, err := u.be.Statuses()
	names := u.providerNames(sts)
	u.do(func() {
		if err != nil {
			u.setStatusLine(plainError(err))
			return
		}
		u.setStatuses(sts, names)
	})
}

// providerNames names the accounts' providers (I/O: off Fyne's goroutine).
func (u *UI) providerNames(sts []keeper.Status) map[string]string {
	names := map[string]string{}
	for _, s := range sts {
		if _, ok := names[s.Provider]; !ok {
			names[s.Provider] = u.be.ProviderName(s.Provider)
		}
	}
	return names
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
	u.app.Quit()
}

// clearCopied clears the clipboard if it still holds a token Copy put
// there. Run it on Fyne's goroutine.
func (u *UI) clearCopied() {
	if u.lastCopy != "" && u.app.Clipboard().Content() == u.lastCopy {
		u.app.Clipboard().SetContent("")
	}
	u.lastCopy = ""
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
	_ = u.be.SaveWindow(ctx, w)
}

// takeSignals makes the session's end (SIGTERM) and Ctrl+C in a terminal
// (SIGINT) quit as the tray's Quit does. Fyne's own handler would stop
// the app first, and with it its windows and the clipboard: the copied
// token could not be cleared any more (a clipboard manager keeps what the
// app held as it went), nor the place kept. So Fyne's handler is taken
// off (signal.Reset) and this one put in its place, until the UI closes.
// Call it once the app runs (Lifecycle().SetOnStarted), when Fyne's
// handler is set.
func (u *UI) takeSignals() {
	signal.Reset(os.Interrupt, syscall.SIGTERM)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	u.goOwned(func() {
		defer signal.Stop(sigs)
		select {
		case <-sigs:
			u.do(u.quit)
		case <-u.ctx.Done():
		}
	})
}

// Stopped runs as the app stops (Lifecycle().SetOnStopped), after its
// windows and the clipboard are gone (quit did what needs them). Stopped
// some other way than quit, the window's size is kept as at a close (its
// place is gone with its window; the one saved before stays).
func (u *UI) Stopped() {
	u.saveWindowNow(false)
}

// keepSelection keeps the selected account selected when the list changes
// around it (accounts added, removed, renamed), and forgets it when it is
// gone: Ctrl+C copies the account the user chose, or none.
func (u *UI) keepSelection() {
	if u.selected == "" {
		return
	}
	for i, s := range u.statuses {
		if s.ID == u.selected {
			u.list.Select(i)
			return
		}
	}
	u.selected = ""
	u.list.UnselectAll()
}

// do runs f on Fyne's goroutine, serialised with the UI's other updates.
func (u *UI) do(f func()) {
	fyne.Do(func() {
		u.mu.Lock()
		defer u.mu.Unlock()
		f()
		if u.applied != nil {
			u.applied()
		}
	})
}

// doAndWait is do, returning when f has run.
func (u *UI) doAndWait(f func()) {
	fyne.DoAndWait(func() {
		u.mu.Lock()
		defer u.mu.Unlock()
		f()
	})
}

// goOwned runs f in a goroutine the UI owns.
func (u *UI) goOwned(f func()) {
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		f()
	}()
}

// setStatuses shows new statuses; the tray menu is rebuilt only when what
// it shows changed.
func (u *UI) setStatuses(sts []keeper.Status, names map[string]string) {
	u.statuses, u.names = sts, names
	now := u.opts.Now()
	if u.list != nil {
		// Redrawn only when what it shows changed: the periodic reload
		// mostly finds the same words, and an idle app should not redraw.
		var sig strings.Builder
		for _, s := range sts {
			fmt.Fprintf(&sig, "|%s|%s|%s|%s|%s", s.ID, s.Name, u.providerLabel(s), StatusWord(s, now), u.copiedWords(s.ID))
		}
		if sig.String() != u.listSig || len(sts) == 0 {
			u.listSig = sig.String()
			u.list.Refresh()
		}
		if len(sts) == 0 {
			u.empty.Show()
		} else {
			u.empty.Hide()
		}
		u.keepSelection()
	}
	if u.tray == nil {
		return
	}
	var sig strings.Builder
	fmt.Fprint(&sig, Worst(sts, now))
	for _, s := range sts {
		fmt.Fprintf(&sig, "|%s|%s", s.ID, u.label(s, now))
	}
	if sig.String() == u.menuSig {
		return
	}
	u.menuSig = sig.String()
	u.tray.SetSystemTrayIcon(TrayIcon(Worst(sts, now)))
	u.tray.SetSystemTrayMenu(u.menu())
}
