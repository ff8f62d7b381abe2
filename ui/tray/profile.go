package tray

import (
	"errors"
	"io/fs"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"

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
					msg = lang.L("Tokentray could not read {{.Path}}.", map[string]any{"Path": path})
				}
				u.inform(lang.L("Connection profile"), msg)
				return
			}
			u.confirm(lang.L("Add this connection profile?"), pr.Summary(), lang.L("Add"), func() {
				u.goOwned(func() {
					p, err := u.app.ApplyProfile(u.ctx, pr)
					u.do(func() {
						if err != nil {
							u.setStatusLine(lang.L("Could not add the profile. {{.Why}}", map[string]any{"Why": plainError(err)}))
							return
						}
						u.setStatusLine(lang.L("Added {{.Provider}}. Choose Connect an account… to use it.", map[string]any{"Provider": p.Name}))
						u.refreshSetUp() // the start screen's "Not set up on this computer yet"
					})
				})
			})
		})
	})
}

// ShowOpenProfile asks for a connection profile (a .tokentray.json file,
// which whoever manages Tokentray sends) and imports it as ImportProfile
// does, in Fyne's file dialog (which lists .json files only).
func (u *UI) ShowOpenProfile() {
	d := dialog.NewFileOpen(u.profileChosen, u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".json"})) // x.tokentray.json's extension is .json
	d.Show()
}

// profileChosen is the file chooser's answer: nothing (cancelled), the
// file, or why the chooser failed.
func (u *UI) profileChosen(r fyne.URIReadCloser, err error) {
	if err != nil {
		u.inform(lang.L("Connection profile"), plainError(err))
		return
	}
	if r == nil {
		return // cancelled
	}
	path := r.URI().Path()
	r.Close() // ImportProfile reads the file off Fyne's goroutine
	u.ImportProfile(path)
}
