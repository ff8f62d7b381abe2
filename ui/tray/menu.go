package tray

import (
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/systray"
)

// The tray menu: each account with its state, and its actions.

// menu is the tray menu for the current statuses.
func (u *UI) menu() *fyne.Menu {
	now := u.opts.Now()
	var items []*fyne.MenuItem
	for _, s := range u.statuses {
		id, name := s.ID, s.Name
		item := fyne.NewMenuItem(u.label(s, now), nil)
		item.ChildMenu = fyne.NewMenu("",
			fyne.NewMenuItem(lang.L("Copy token"), func() { u.copyFromTray(id, false) }),
			fyne.NewMenuItem(lang.L("Copy as Authorization header"), func() { u.copyFromTray(id, true) }),
			fyne.NewMenuItem(lang.L("Reconnect…"), func() { u.ShowWindow(); u.Reconnect(id) }),
			fyne.NewMenuItem(lang.L("Disconnect…"), func() { u.ShowWindow(); u.ConfirmDisconnect(id, name) }),
		)
		items = append(items, item)
	}
	if len(items) == 0 {
		none := fyne.NewMenuItem(lang.L("No accounts connected"), nil)
		none.Disabled = true
		items = append(items, none)
	}
	quit := fyne.NewMenuItem(lang.L("Quit"), u.quit)
	quit.IsQuit = true
	items = append(items, fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(lang.L("Connect an account…"), func() { u.ShowWindow(); u.ShowConnect("") }),
		fyne.NewMenuItem(lang.L("Import Claude sign-in…"), func() { u.ShowWindow(); u.ShowImportClaude() }),
		fyne.NewMenuItem(lang.L("Open Tokentray"), u.ShowWindow),
		fyne.NewMenuItemSeparator(),
		quit,
	)
	u.settleTrayMenu()
	return fyne.NewMenu("Tokentray", items...)
}

// settleTrayMenu makes the desktop's tray read the whole menu again once
// Fyne has put it on the session bus (menu's caller, setStatuses, hands it
// to SetSystemTrayMenu; this runs after that, on Fyne's goroutine).
//
// Why: on Linux the tray (the panel) reads the app's menu over D-Bus
// (com.canonical.dbusmenu, served by fyne.io/systray): it asks for the
// layout (GetLayout) when the app signals a new revision (LayoutUpdated),
// and asks again only for a later revision. Fyne rebuilds the menu item by
// item (SetSystemTrayMenu: ResetMenu, then each item), and systray raises
// the revision when it removes an item, resets the menu or adds a
// separator, but not when it adds an item: the items added after the last
// separator, Quit, come with no revision of their own. A panel whose
// GetLayout is answered in that instant (it asks at the first of the
// rebuild's signals, and again while the app is still building) holds a
// layout without Quit at the menu's last revision, and never asks again
// until the menu next changes: its menu lacks Quit, and the separator left
// at its end is not drawn. A busy computer, or the first account
// connecting while the panel is loading the menu, makes that instant
// likely (a test panel missed Quit in 71 rebuilds out of 100 with Fyne's
// steps slowed down to a millisecond). A last revision once the menu is
// whole makes any layout taken before it old, and the panel asks again.
func (u *UI) settleTrayMenu() {
	if _, real := u.tray.(desktop.App); !real {
		return // a test's tray, or none
	}
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd":
	default:
		return // Windows and macOS menus are the OS's own, set whole
	}
	// Queued: it runs after the function running now (setStatuses, which
	// sets the menu next). Before the app runs, it runs at once, and
	// harmlessly: no tray has the menu yet, and it reads the whole of it
	// when it first asks.
	fyne.Do(raiseMenuRevision)
}

// raiseMenuRevision raises the revision of the app's D-Bus menu, leaving
// the menu as it is: systray has no call for that alone, but removing an
// item raises it, and an item added then removed leaves the menu unchanged
// (a host that reads the layout in between sees it at the older revision,
// and reads it again).
func raiseMenuRevision() {
	systray.AddMenuItem("", "").Remove()
}

// copyFromTray is the tray menu's Copy: Copy, then, once the token is on
// the clipboard, a notification that says so and when it will be cleared.
// The window says it on its card and status line, but the window is
// usually closed when the tray's menu is used: without it the user would
// have no sign of the copy at all. A failed copy says why on the window's
// status line, and sends nothing here.
func (u *UI) copyFromTray(id string, header bool) {
	u.copyThen(id, header, func() { u.notifyCopied(id, header) })
}

// notifyCopied says in a notification that the account's token (or
// Authorization header) is on the clipboard, and when it will be cleared
// (run inside do).
func (u *UI) notifyCopied(id string, header bool) {
	name := id
	for _, s := range u.statuses {
		if s.ID == id {
			name = s.Name
		}
	}
	d := map[string]any{"Name": name}
	var body string
	switch {
	case u.opts.ClearAfter < 0 && header:
		body = lang.L("Authorization header of {{.Name}} copied.", d)
	case u.opts.ClearAfter < 0:
		body = lang.L("Token of {{.Name}} copied.", d)
	case header:
		d["When"] = humanSeconds(u.opts.ClearAfter)
		body = lang.L("Authorization header of {{.Name}} copied. The clipboard is cleared in {{.When}}.", d)
	default:
		d["When"] = humanSeconds(u.opts.ClearAfter)
		body = lang.L("Token of {{.Name}} copied. The clipboard is cleared in {{.When}}.", d)
	}
	u.notifyFor(body, briefNotice)
}
