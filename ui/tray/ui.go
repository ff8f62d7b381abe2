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
	"sync"
	"time"

	"fyne.io/fyne/v2"
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
	fyneApp fyne.App
	app     *accounts.App // the accounts app: the application layer, the only one there is
	tray    Tray
	opts    Options

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
func New(fyneApp fyne.App, app *accounts.App, tray Tray, opts Options) *UI {
	if opts.ClearAfter == 0 {
		opts.ClearAfter = 30 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	u := &UI{fyneApp: fyneApp, app: app, tray: tray, opts: opts, ctx: ctx, cancel: cancel, gwWake: make(chan struct{}, 1)}
	u.win = fyneApp.NewWindow("Tokentray")
	u.win.SetIcon(Icon)
	u.win.SetContent(u.content())
	u.win.Resize(defaultWindow)
	if w := savedWindow(app); w != nil {
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

// Window is the accounts window.
func (u *UI) Window() fyne.Window { return u.win }
