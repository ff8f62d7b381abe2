package tray

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
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
			fyne.NewMenuItem(lang.L("Copy token"), func() { u.Copy(id, false) }),
			fyne.NewMenuItem(lang.L("Copy as Authorization header"), func() { u.Copy(id, true) }),
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
	return fyne.NewMenu("Tokentray", items...)
}
