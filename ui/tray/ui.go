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
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/ui/accounts"
)

// AppID is the application ID (also in FyneApp.toml).
const AppID = "io.github.tokentray"

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
	events    *widget.Label
	log       []string
	notified  map[string]bool // account+condition already notified
	lastCopy  string          // what Copy put on the clipboard, until cleared
	connectUI *connectDialog

	// applied, when set (by tests, before Start), is called after each
	// update do applied, under mu; it must not block.
	applied func()
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
	u := &UI{app: a, be: be, tray: tray, opts: opts, ctx: ctx, cancel: cancel, notified: map[string]bool{}}
	u.win = a.NewWindow("Tokentray")
	u.win.SetIcon(Icon)
	u.win.SetContent(u.content())
	u.win.Resize(fyne.NewSize(560, 440))
	u.win.SetCloseIntercept(func() { u.win.Hide() }) // the app lives on in the tray
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

// startupSettles is how long after Start the start-up memory is returned.
const startupSettles = 8 * time.Second

// Start loads the accounts and follows the keeper's events until Close.
func (u *UI) Start() {
	events, unsubscribe := u.be.Subscribe(64)
	u.reload()
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
	u.cancel()
	u.wg.Wait()
}

// Stopped clears the clipboard if it still holds a token Copy put there.
// Run it on Fyne's goroutine as the app stops (Lifecycle().SetOnStopped).
func (u *UI) Stopped() {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.lastCopy != "" && u.app.Clipboard().Content() == u.lastCopy {
		u.app.Clipboard().SetContent("")
	}
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
			fmt.Fprintf(&sig, "|%s|%s|%s", s.ID, u.label(s), u.detail(s))
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
	}
	if u.tray == nil {
		return
	}
	var sig strings.Builder
	fmt.Fprint(&sig, Worst(sts, now))
	for _, s := range sts {
		fmt.Fprintf(&sig, "|%s|%s|%s", s.ID, u.label(s), StatusWord(s, now))
	}
	if sig.String() == u.menuSig {
		return
	}
	u.menuSig = sig.String()
	u.tray.SetSystemTrayIcon(TrayIcon(Worst(sts, now)))
	u.tray.SetSystemTrayMenu(u.menu())
}

// menu is the tray menu for the current statuses.
func (u *UI) menu() *fyne.Menu {
	now := u.opts.Now()
	var items []*fyne.MenuItem
	for _, s := range u.statuses {
		id, name := s.ID, s.Name
		item := fyne.NewMenuItem(u.label(s)+" · "+StatusWord(s, now), nil)
		item.ChildMenu = fyne.NewMenu("",
			fyne.NewMenuItem("Copy token", func() { u.Copy(id, false) }),
			fyne.NewMenuItem("Copy as Authorization header", func() { u.Copy(id, true) }),
			fyne.NewMenuItem("Reconnect", func() { u.ShowWindow(); u.Reconnect(id) }),
			fyne.NewMenuItem("Disconnect…", func() { u.ShowWindow(); u.ConfirmDisconnect(id, name) }),
		)
		items = append(items, item)
	}
	if len(items) == 0 {
		none := fyne.NewMenuItem("No accounts connected", nil)
		none.Disabled = true
		items = append(items, none)
	}
	quit := fyne.NewMenuItem("Quit", func() { u.app.Quit() })
	quit.IsQuit = true
	items = append(items, fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Connect an account…", func() { u.ShowWindow(); u.ShowConnect("") }),
		fyne.NewMenuItem("Import Claude sign-in…", func() { u.ShowWindow(); u.ShowImportClaude() }),
		fyne.NewMenuItem("Open Tokentray", u.ShowWindow),
		fyne.NewMenuItemSeparator(),
		quit,
	)
	return fyne.NewMenu("Tokentray", items...)
}

// ShowWindow brings the accounts window up, with fresh statuses.
func (u *UI) ShowWindow() {
	u.win.Show()
	u.win.RequestFocus()
	u.goOwned(u.reload)
}

func (u *UI) content() fyne.CanvasObject {
	u.status = widget.NewLabel("")
	u.status.Wrapping = fyne.TextWrapWord
	u.events = widget.NewLabel("")
	u.events.Wrapping = fyne.TextWrapWord
	welcome := widget.NewLabel("Welcome to Tokentray.\n\nNo accounts are connected yet. Connect an account " +
		"(Clio, ClientCasa or another OAuth provider), or import your Claude sign-in, and Tokentray keeps its token fresh for you.")
	welcome.Wrapping = fyne.TextWrapWord
	u.empty = container.NewVBox(welcome)
	u.list = widget.NewList(
		func() int { return len(u.statuses) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			detail := widget.NewLabel("")
			buttons := container.NewHBox(widget.NewButton("Copy", nil), widget.NewButton("Copy header", nil),
				widget.NewButton("Reconnect", nil), widget.NewButton("Disconnect", nil))
			return container.NewVBox(name, detail, buttons)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(u.statuses) {
				return
			}
			s := u.statuses[i]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(u.label(s))
			box.Objects[1].(*widget.Label).SetText(u.detail(s))
			b := box.Objects[2].(*fyne.Container).Objects
			id, name := s.ID, s.Name
			b[0].(*widget.Button).OnTapped = func() { u.Copy(id, false) }
			b[1].(*widget.Button).OnTapped = func() { u.Copy(id, true) }
			b[2].(*widget.Button).OnTapped = func() { u.Reconnect(id) }
			b[3].(*widget.Button).OnTapped = func() { u.ConfirmDisconnect(id, name) }
		},
	)
	connect := widget.NewButton("Connect an account…", func() { u.ShowConnect("") })
	connect.Importance = widget.HighImportance
	importClaude := widget.NewButton("Import Claude sign-in…", u.ShowImportClaude)
	settings := widget.NewButton("Provider settings…", u.ShowSettings)
	prefs := widget.NewButton("Preferences…", u.ShowPreferences)
	bar := container.NewHBox(connect, importClaude, settings, prefs)
	if as := u.opts.Autostart; as != nil {
		on, _ := as.Enabled()
		check := widget.NewCheck("Start at login", nil)
		check.SetChecked(on)
		check.OnChanged = func(want bool) {
			if err := as.Set(want); err != nil {
				u.setStatusLine("Could not change starting at login: " + plainError(err))
				return
			}
			if want {
				u.setStatusLine("Tokentray will start when you log in.")
			} else {
				u.setStatusLine("Tokentray will no longer start when you log in.")
			}
		}
		bar.Add(check)
	}
	top := container.NewVBox(bar)
	u.top = top
	if u.opts.NoTrayHost {
		note := widget.NewLabel("Your desktop shows no tray icons, so Tokentray lives in this window. " +
			"On GNOME, install the AppIndicator extension (package gnome-shell-extension-appindicator) and log in again " +
			"to get the tray icon. Closing this window keeps Tokentray running; start it again to bring the window back.")
		note.Wrapping = fyne.TextWrapWord
		note.Importance = widget.WarningImportance
		top.Add(note)
	}
	top.Add(u.status)
	bottom := container.NewVBox(widget.NewSeparator(), widget.NewLabelWithStyle("Recent events", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), u.events)
	return container.NewBorder(top, bottom, nil, nil, container.NewStack(u.list, u.empty))
}

// detail is an account's second line in the window.
func (u *UI) detail(s keeper.Status) string {
	now := u.opts.Now()
	parts := []string{StatusWord(s, now)}
	if !s.LastRefresh.IsZero() {
		parts = append(parts, "last refreshed "+s.LastRefresh.Local().Format("15:04"))
	}
	if s.LastError != "" && s.Status != keeper.StatusOK {
		parts = append(parts, s.LastError)
	}
	return strings.Join(parts, " · ")
}

func (u *UI) setStatusLine(text string) { u.status.SetText(text) }

// Copy puts a fresh token (or an Authorization header) on the clipboard,
// through the keeper's EnsureFresh, and clears it after ClearAfter if the
// clipboard still holds it.
func (u *UI) Copy(id string, header bool) {
	u.setStatusLine("Getting a fresh token…")
	u.goOwned(func() {
		tok, err := u.be.EnsureFresh(u.ctx, id, time.Minute)
		u.do(func() {
			if err != nil {
				u.setStatusLine("Could not copy the token. " + plainError(err))
				return
			}
			text := tok.AccessToken
			if header {
				text = "Authorization: Bearer " + text
			}
			u.app.Clipboard().SetContent(text)
			u.lastCopy = text
			what := "Token"
			if header {
				what = "Authorization header"
			}
			if u.opts.ClearAfter < 0 {
				u.setStatusLine(what + " copied.")
				return
			}
			u.setStatusLine(fmt.Sprintf("%s copied. It will be cleared from the clipboard in %s.", what, humanSeconds(u.opts.ClearAfter)))
			u.clearLater(text)
		})
	})
}

func humanSeconds(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%d seconds", int(d.Seconds()))
	}
	return humanDuration(d)
}

// clearLater empties the clipboard after ClearAfter if it still holds text.
func (u *UI) clearLater(text string) {
	u.goOwned(func() {
		t := time.NewTimer(u.opts.ClearAfter)
		defer t.Stop()
		select {
		case <-u.ctx.Done():
		case <-t.C:
			u.do(func() {
				if u.app.Clipboard().Content() == text {
					u.app.Clipboard().SetContent("")
					u.setStatusLine("The copied token was cleared from the clipboard.")
				}
				if u.lastCopy == text {
					u.lastCopy = ""
				}
			})
		}
	})
}

// ConfirmDisconnect asks, then disconnects: revoking at the provider where
// it can, then deleting the local secrets.
func (u *UI) ConfirmDisconnect(id, name string) {
	dialog.ShowConfirm("Disconnect "+name+"?",
		"Tokentray will tell the provider to revoke access, then forget this account's tokens. "+
			"Scripts using its token will stop working.",
		func(ok bool) {
			if !ok {
				return
			}
			u.setStatusLine("Disconnecting " + name + "…")
			u.goOwned(func() {
				done, err := u.be.Disconnect(u.ctx, id, false)
				u.do(func() {
					var re *accounts.RevokeError
					switch {
					case err == nil:
						u.setStatusLine(done.Message())
					case errors.As(err, &re):
						u.setStatusLine(re.Message())
					default:
						u.setStatusLine("Could not disconnect " + name + ". " + plainError(err))
					}
				})
				u.reload()
			})
		}, u.win)
}

// providerOf names the provider of account id, as the window shows it.
// Only inside do.
func (u *UI) providerOf(id string) string {
	for _, s := range u.statuses {
		if s.ID == id {
			if n := u.names[s.Provider]; n != "" {
				return n
			}
			return s.Provider
		}
	}
	return "the provider"
}

// Reconnect runs the connect flow again for an account, keeping the account.
func (u *UI) Reconnect(id string) {
	for _, s := range u.statuses {
		if s.ID == id {
			u.showReconnect(s)
			return
		}
	}
}

// note records an event in the log and sends a notification, once per
// condition.
func (u *UI) note(e keeper.Event) {
	name := e.Account
	for _, s := range u.statuses {
		if s.ID == e.Account {
			name = s.Name
		}
	}
	var line, notify string
	switch e.Kind {
	case keeper.EventConnected:
		line, notify = name+" connected.", "Connected "+name+"."
		u.forget(e.Account)
	case keeper.EventRefreshed:
		line = name + ": token refreshed."
		delete(u.notified, e.Account+"/expiring")
	case keeper.EventRefreshFailed:
		line = name + ": could not refresh (" + auth.Message(e.Err) + ")"
	case keeper.EventExpiringSoon:
		line, notify = name+": token expiring and cannot be refreshed.",
			"The token of "+name+" expires soon and Tokentray cannot refresh it right now. "+auth.Message(e.Err)
	case keeper.EventReconnectNeeded:
		line, notify = name+": reconnect needed.", name+" needs to be reconnected: "+auth.Message(e.Err)
	case keeper.EventRefreshTokenExpiring:
		line, notify = name+": sign-in expires soon.",
			name+"'s sign-in ends on "+e.Expiry.Local().Format("Mon 2 Jan")+". Reconnect it before then to keep it working."
	}
	if line == "" {
		return
	}
	u.log = append(u.log, u.opts.Now().Format("15:04")+"  "+line)
	if len(u.log) > 8 {
		u.log = u.log[len(u.log)-8:]
	}
	u.events.SetText(strings.Join(u.log, "\n"))
	if notify == "" || u.opts.NotificationsOff {
		return
	}
	if c := condition(e.Kind); c != "" { // one notification per condition
		key := e.Account + "/" + c
		if u.notified[key] {
			return
		}
		u.notified[key] = true
	}
	u.app.SendNotification(fyne.NewNotification("Tokentray", notify))
}

// condition names the lasting conditions notified once until they end.
func condition(k keeper.EventKind) string {
	switch k {
	case keeper.EventExpiringSoon:
		return "expiring"
	case keeper.EventReconnectNeeded:
		return "reconnect"
	case keeper.EventRefreshTokenExpiring:
		return "refresh-expiring"
	}
	return ""
}

// forget resets the notified conditions of an account (reconnected).
func (u *UI) forget(id string) {
	for k := range u.notified {
		if strings.HasPrefix(k, id+"/") {
			delete(u.notified, k)
		}
	}
}

// plainError words an error for a person; never a Go error string alone.
func plainError(err error) string {
	if msg, ok := auth.Explain(err); ok {
		return msg
	}
	return "Something went wrong. Please try again; if it keeps happening, run “tokentray doctor” in a terminal."
}

// label is an account's line in the menu and the window: its name and its
// provider's.
func (u *UI) label(s keeper.Status) string {
	p := u.names[s.Provider]
	if p == "" {
		p = s.Provider
	}
	return s.Name + " — " + p
}

// ImportProfile reads a connection profile (dropped on the window, or
// opened with the app), shows what it contains, and adds it once the user
// confirms. A bad file is explained and changes nothing.
func (u *UI) ImportProfile(path string) {
	u.goOwned(func() {
		data, err := os.ReadFile(path)
		var pr accounts.Profile
		if err == nil {
			pr, err = accounts.ParseProfile(data)
		}
		u.do(func() {
			if err != nil {
				msg := plainError(err)
				if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
					msg = "Tokentray could not read " + path + "."
				}
				dialog.ShowInformation("Connection profile", msg, u.win)
				return
			}
			dialog.ShowConfirm("Add this connection profile?", pr.Summary(), func(ok bool) {
				if !ok {
					return
				}
				u.goOwned(func() {
					p, err := u.be.ApplyProfile(u.ctx, pr)
					u.do(func() {
						if err != nil {
							u.setStatusLine("Could not add the profile. " + plainError(err))
							return
						}
						u.setStatusLine("Added " + p.Name + ". Choose Connect an account… to use it.")
					})
				})
			}, u.win)
		})
	})
}
