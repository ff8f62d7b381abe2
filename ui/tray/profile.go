package tray

import (
	"errors"
	"io/fs"
	"os"

	"fyne.io/fyne/v2/dialog"

	"github.com/tokentray/tokentray/ui/accounts"
)

// Connection profiles (.tokentray.json) opened with or dropped on the app.

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
