// Package tray is Tokentray's desktop user interface, built with Fyne. Until
// the tray icon lands it is a window listing the stored accounts.
//
// Its constructors take the fyne.App and plain values, so tests run them on
// fyne.io/fyne/v2/test's app. It contains no OAuth logic and never calls the
// keyring or HTTP itself.
package tray

import (
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/assets"
	"github.com/tokentray/tokentray/store"
)

// AppID is the application ID (also in FyneApp.toml).
const AppID = "io.github.tokentray"

// Icon is the application icon as a Fyne resource.
var Icon = fyne.NewStaticResource("icon.png", assets.Icon)

// AccountRow is what the window shows of one account: values, not pointers
// into the store.
type AccountRow struct {
	Name, Provider, Status string
	Expiry                 time.Time
}

// Rows turns stored accounts into rows.
func Rows(accts []store.Account) []AccountRow {
	rows := make([]AccountRow, 0, len(accts))
	for _, a := range accts {
		rows = append(rows, AccountRow{Name: a.Name, Provider: a.Provider, Status: a.Status, Expiry: a.Expiry})
	}
	return rows
}

// describe is the one-line status of a row, in plain words.
func describe(r AccountRow, now time.Time) string {
	switch {
	case r.Status == "reconnect":
		return "Reconnect needed"
	case r.Expiry.IsZero():
		return "Connected · expiry unknown"
	case !r.Expiry.After(now):
		return "Token expired · will refresh when used"
	default:
		return "OK · expires in " + humanDuration(r.Expiry.Sub(now))
	}
}

func humanDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d h", int(d.Hours()))
	case d >= time.Minute:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	default:
		return "less than a minute"
	}
}

// NewAccountsView shows rows, or a welcome when there are none, or loadErr
// in plain words when the accounts could not be read.
func NewAccountsView(rows []AccountRow, loadErr error, now time.Time) fyne.CanvasObject {
	if loadErr != nil {
		return container.NewPadded(widget.NewLabelWithStyle(plainError(loadErr), fyne.TextAlignLeading, fyne.TextStyle{}))
	}
	if len(rows) == 0 {
		welcome := widget.NewLabel("Welcome to Tokentray.\n\nNo accounts are connected yet. " +
			"Connect an account (Clio, ClientCasa, Anthropic or another OAuth provider) " +
			"and Tokentray keeps its token fresh for you.")
		welcome.Wrapping = fyne.TextWrapWord
		return container.NewPadded(welcome)
	}
	list := widget.NewList(
		func() int { return len(rows) },
		func() fyne.CanvasObject {
			return container.NewVBox(widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), widget.NewLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(rows[i].Name + " — " + rows[i].Provider)
			box.Objects[1].(*widget.Label).SetText(describe(rows[i], now))
		},
	)
	return list
}

// plainError words a store error for a person; it never shows a Go error
// string alone.
func plainError(err error) string {
	var m interface{ Message() string }
	if errors.As(err, &m) {
		return m.Message()
	}
	return "Tokentray could not read its list of accounts. Check that your home folder is readable, then restart Tokentray."
}

// NewWindow makes the main window.
func NewWindow(a fyne.App, rows []AccountRow, loadErr error) fyne.Window {
	w := a.NewWindow("Tokentray")
	w.SetIcon(Icon)
	w.SetContent(NewAccountsView(rows, loadErr, time.Now()))
	w.Resize(fyne.NewSize(480, 360))
	return w
}
