package tray

import (
	"fyne.io/fyne/v2/app"

	"github.com/tokentray/tokentray/store"
)

// Run starts the desktop app and returns when the user quits. accounts
// loads the account list (no secrets).
func Run(accounts func() ([]store.Account, error)) {
	a := app.NewWithID(AppID)
	a.SetIcon(Icon)
	accts, err := accounts()
	NewWindow(a, Rows(accts), err).ShowAndRun()
}
