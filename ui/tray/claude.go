package tray

import (
	"errors"
	"io/fs"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/auth/claude"
	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/ui/accounts"
)

// importDialog imports a Claude sign-in: it finds Claude Code's credentials
// file where it usually lives (or the user picks a file, or pastes the
// JSON), shows who, which plan and until when (never the tokens), and
// imports it — as a new account, or again into an existing one.
type importDialog struct {
	u      *UI
	d      dialog.Dialog
	into   *keeper.Status // re-import into this account; nil: a new one
	signIn *claude.SignIn // what Import would import

	source  *widget.Label
	preview *widget.Label
	name    *widget.Entry
	link    *widget.Check
	note    *widget.Label
	paste   *widget.Entry
	pasteUI *fyne.Container
	ok      *widget.Button
}

// ShowImportClaude opens the import dialog for a new account.
func (u *UI) ShowImportClaude() { u.showImport(nil) }

// showImport opens the import dialog; into, when set, is the imported
// account whose sign-in is replaced (Reconnect), keeping its ID and name.
func (u *UI) showImport(into *keeper.Status) {
	g := &importDialog{u: u, into: into}
	g.source = widget.NewLabel("Looking for Claude's sign-in…")
	g.source.Wrapping = fyne.TextWrapWord
	g.preview = widget.NewLabel("")
	g.preview.Wrapping = fyne.TextWrapWord
	g.preview.Hide()
	g.name = widget.NewEntry()
	g.name.SetPlaceHolder("Name (optional: the Claude account's e-mail)")
	g.name.OnSubmitted = func(string) { g.submit() }
	g.link = widget.NewCheck("Share this sign-in with Claude Code through its file", func(bool) { g.showNote() })
	g.link.Hide()
	g.note = widget.NewLabel("")
	g.note.Wrapping = fyne.TextWrapWord
	g.note.Hide()
	g.paste = widget.NewMultiLineEntry()
	g.paste.SetPlaceHolder(`Paste the contents of .credentials.json ({"claudeAiOauth": …})`)
	g.paste.SetMinRowsVisible(4)
	g.paste.OnChanged = func(s string) {
		if strings.TrimSpace(s) == "" {
			return
		}
		s2, err := claude.FromText([]byte(s))
		g.show(s2, err, "")
	}
	g.pasteUI = container.NewVBox(g.paste)
	g.pasteUI.Hide()
	choose := widget.NewButton("Choose file…", g.chooseFile)
	pasteButton := widget.NewButton("Paste instead…", func() {
		g.pasteUI.Show()
		u.win.Canvas().Focus(g.paste)
	})
	g.ok = widget.NewButton("Import", g.submit)
	g.ok.Importance = widget.HighImportance
	g.ok.Disable()
	title := "Import Claude sign-in"
	intro := "Tokentray can keep the sign-in of Claude (Claude Code, or a Claude wrapper) fresh for you."
	if into != nil {
		title = "Import Claude sign-in into " + into.Name
		intro = "Sign in to Claude again (in Claude Code: /login), then import the new sign-in here. " +
			into.Name + " keeps its name and ID, so scripts using it keep working."
		g.name.Hide()
	}
	introLabel := widget.NewLabel(intro)
	introLabel.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(introLabel, g.source, container.NewHBox(choose, pasteButton), g.pasteUI,
		g.preview, g.name, g.link, g.note,
		container.NewHBox(widget.NewButton("Cancel", func() { g.d.Hide() }), g.ok))
	g.d = dialog.NewCustomWithoutButtons(title, body, u.win)
	g.d.Resize(fyne.NewSize(520, 360))
	g.d.Show()

	u.goOwned(func() {
		path, err := claude.DefaultPath()
		if into != nil && accounts.LinkedFile(into.Account) != "" {
			path, err = accounts.LinkedFile(into.Account), nil // the file it shares its sign-in with
		}
		var s claude.SignIn
		if err == nil {
			s, err = claude.Load(path)
		}
		u.do(func() {
			if errors.Is(err, fs.ErrNotExist) {
				g.source.SetText("Claude's sign-in was not found in " + path + ". Sign in to Claude Code first, " +
					"or choose the credentials file, or paste it.")
				return
			}
			g.show(s, err, path)
		})
	})
}

// show puts what was read in the dialog: who, plan, until when; or why it
// cannot be imported.
func (g *importDialog) show(s claude.SignIn, err error, path string) {
	if err != nil {
		g.signIn = nil
		g.ok.Disable()
		g.preview.Hide()
		g.link.Hide()
		g.note.Hide()
		g.source.SetText(unreadableClaude(err, path))
		return
	}
	g.signIn = &s
	switch {
	case s.Path != "":
		g.source.SetText("Found Claude's sign-in in " + s.Path + ".")
	default:
		g.source.SetText("Read the pasted sign-in.")
	}
	plan := s.Plan()
	if plan == "" {
		plan = "not stated"
	} else {
		plan = strings.ToUpper(plan[:1]) + plan[1:]
	}
	now := g.u.opts.Now()
	until := s.Token.Expiry.Local().Format("Mon 2 Jan 15:04")
	if s.Token.Expiry.After(now) {
		until += " (in " + humanDuration(s.Token.Expiry.Sub(now)) + ")"
	} else {
		until += " (expired: Tokentray renews it at once)"
	}
	who := s.Email
	if who == "" {
		who = "not stated in the file"
	}
	g.preview.SetText("Account: " + who + "\nPlan: " + plan + "\nAccess token valid until: " + until)
	g.preview.Show()
	if g.into == nil {
		g.name.SetPlaceHolder("Name (optional: " + s.Label() + ")")
	}
	if s.Path != "" {
		g.link.SetChecked(true)
		g.link.Show()
	} else {
		g.link.SetChecked(false)
		g.link.Hide()
	}
	g.showNote()
	g.ok.Enable()
}

// showNote says what sharing (or not) the sign-in means.
func (g *importDialog) showNote() {
	if g.signIn == nil {
		return
	}
	if g.link.Checked && g.signIn.Path != "" {
		g.note.SetText("Tokentray and Claude Code will share one sign-in: each renewal is written back to the file, " +
			"so neither signs the other out.")
	} else {
		g.note.SetText("This will be a copy. If Claude Code (or another program) uses the same sign-in, " +
			"whichever renews it first signs the other out. To keep both working, import from Claude Code's file and share it.")
	}
	g.note.Show()
}

// unreadableClaude words why a sign-in cannot be read.
func unreadableClaude(err error, path string) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "There is no file at " + path + "."
	case errors.Is(err, fs.ErrPermission):
		return "Tokentray may not read " + path + "."
	case errors.Is(err, claude.ErrBadCredentials):
		return "This is not a Claude sign-in. Choose Claude Code's credentials file (.credentials.json in the .claude " +
			"folder of your home folder) or paste its contents."
	}
	return "Tokentray could not read Claude's sign-in. " + plainError(err)
}

// chooseFile lets the user pick the credentials file.
func (g *importDialog) chooseFile() {
	open := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return // cancelled
		}
		path := r.URI().Path()
		r.Close()
		g.u.goOwned(func() {
			s, err := claude.Load(path)
			g.u.do(func() { g.show(s, err, path) })
		})
	}, g.u.win)
	open.Show()
}

// submit imports what the dialog shows.
func (g *importDialog) submit() {
	if g.signIn == nil {
		return
	}
	s, link, name := *g.signIn, g.link.Checked && g.signIn.Path != "", strings.TrimSpace(g.name.Text)
	g.ok.Disable()
	g.source.SetText("Importing…")
	g.u.goOwned(func() {
		var err error
		var done string
		if g.into != nil {
			acct, ierr := g.u.be.ReimportClaude(g.u.ctx, g.into.ID, s, link)
			err, done = ierr, "Imported the new sign-in into "+acct.Name+"."
		} else {
			acct, ierr := g.u.be.ImportClaude(g.u.ctx, s, name, link)
			err, done = ierr, "Imported "+acct.Name+". Tokentray keeps it fresh from now on."
		}
		g.u.do(func() {
			if err != nil {
				g.ok.Enable()
				g.source.SetText("Could not import the sign-in. " + plainError(err))
				return
			}
			g.d.Hide()
			g.u.setStatusLine(done)
		})
		g.u.reload()
	})
}
