package tray

import (
	"fmt"
	"strings"

	"github.com/tokentray/tokentray/auth/keeper"
)

// The accounts' statuses: read off Fyne's goroutine, shown in the window's
// list and the tray menu.

// reload reads the statuses (I/O) off Fyne's goroutine and applies them on it.
func (u *UI) reload() {
	sts, err := u.app.Statuses()
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
			names[s.Provider] = u.app.ProviderName(s.Provider)
		}
	}
	return names
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
