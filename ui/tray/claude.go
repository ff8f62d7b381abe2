package tray

import (
	"errors"
	"io/fs"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/auth/claude"
	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/ui/accounts"
	"github.com/tokentray/tokentray/ui/words"
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
	name    *keyEntry
	link    *keyCheck
	note    *widget.Label
	paste   *keyEntry
	pasteUI *fyne.Container
	ok      *keyButton
}

// ShowImportClaude opens the import dialog for a new account.
func (u *UI) ShowImportClaude() { u.showImport(nil) }

// showImport opens the import dialog; into, when set, is the imported
// account whose sign-in is replaced (Reconnect), keeping its ID and name.
func (u *UI) showImport(into *keeper.Status) {
	g := &importDialog{u: u, into: into}
	g.source = widget.NewLabel(lang.L("Looking for Claude's sign-in…"))
	g.source.Wrapping = fyne.TextWrapWord
	g.preview = widget.NewLabel("")
	g.preview.Wrapping = fyne.TextWrapWord
	g.preview.Hide()
	g.name = newEntry()
	g.name.SetPlaceHolder(lang.L("Name (optional: the Claude account's e-mail)"))
	g.name.OnSubmitted = func(string) { g.submit() }
	g.link = newCheck(lang.L("Share this sign-in with Claude Code through its file"), func(bool) { g.showNote() })
	g.link.Hide()
	g.note = widget.NewLabel("")
	g.note.Wrapping = fyne.TextWrapWord
	g.note.Hide()
	g.paste = newMultiLineEntry()
	g.paste.SetPlaceHolder(lang.L(`Paste the contents of .credentials.json ({"claudeAiOauth": …})`))
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
	choose := newButton(lang.L("Choose file…"), g.chooseFile)
	pasteButton := newButton(lang.L("Paste instead…"), func() {
		g.pasteUI.Show()
		u.win.Canvas().Focus(g.paste)
	})
	g.ok = newButton(lang.L("Import"), g.submit)
	g.ok.Importance = widget.HighImportance
	g.ok.Disable()
	title := lang.L("Import Claude sign-in")
	intro := lang.L("Tokentray can keep the sign-in of Claude (Claude Code, or a Claude wrapper) fresh for you.")
	if into != nil {
		who := map[string]any{"Name": into.Name}
		title = lang.L("Import Claude sign-in into {{.Name}}", who)
		intro = lang.L("Sign in to Claude again (in Claude Code: /login), then import the new sign-in here. "+
			"{{.Name}} keeps its name and ID, so scripts using it keep working.", who)
		g.name.Hide()
	}
	introLabel := widget.NewLabel(intro)
	introLabel.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(introLabel, g.source, container.NewHBox(choose, pasteButton), g.pasteUI,
		g.preview, g.name, g.link, g.note,
		container.NewHBox(newButton(lang.L("Cancel"), func() { g.d.Hide() }), g.ok))
	g.d = dialog.NewCustomWithoutButtons(title, body, u.win)
	u.trackDialog(g.d, func() {
		if !g.ok.Disabled() {
			g.submit()
		}
	})
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
				g.source.SetText(lang.L("Claude's sign-in was not found in {{.Path}}. Sign in to Claude Code first, "+
					"or choose the credentials file, or paste it.", map[string]any{"Path": path}))
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
		g.source.SetText(lang.L("Found Claude's sign-in in {{.Path}}.", map[string]any{"Path": s.Path}))
	default:
		g.source.SetText(lang.L("Read the pasted sign-in."))
	}
	plan := s.Plan()
	if plan == "" {
		plan = lang.L("not stated")
	} else {
		plan = strings.ToUpper(plan[:1]) + plan[1:]
	}
	now := g.u.opts.Now()
	at := map[string]any{"Day": words.Day(s.Token.Expiry.Local()), "Time": s.Token.Expiry.Local().Format("15:04")}
	var until string
	if s.Token.Expiry.After(now) {
		at["In"] = humanDuration(s.Token.Expiry.Sub(now))
		until = lang.L("{{.Day}} {{.Time}} (in {{.In}})", at)
	} else {
		until = lang.L("{{.Day}} {{.Time}} (expired: Tokentray renews it at once)", at)
	}
	who := s.Email
	if who == "" {
		who = lang.L("not stated in the file")
	}
	g.preview.SetText(lang.L("Account: {{.Who}}\nPlan: {{.Plan}}\nAccess token valid until: {{.Until}}",
		map[string]any{"Who": who, "Plan": plan, "Until": until}))
	g.preview.Show()
	if g.into == nil {
		g.name.SetPlaceHolder(lang.L("Name (optional: {{.Label}})", map[string]any{"Label": s.Label()}))
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
		g.note.SetText(lang.L("Tokentray and Claude Code will share one sign-in: each renewal is written back to the file, " +
			"so neither signs the other out."))
	} else {
		g.note.SetText(lang.L("This will be a copy. If Claude Code (or another program) uses the same sign-in, " +
			"whichever renews it first signs the other out. To keep both working, import from Claude Code's file and share it."))
	}
	g.note.Show()
}

// unreadableClaude words why a sign-in cannot be read.
func unreadableClaude(err error, path string) string {
	at := map[string]any{"Path": path}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return lang.L("There is no file at {{.Path}}.", at)
	case errors.Is(err, fs.ErrPermission):
		return lang.L("Tokentray may not read {{.Path}}.", at)
	case errors.Is(err, claude.ErrBadCredentials):
		return lang.L("This is not a Claude sign-in. Choose Claude Code's credentials file (.credentials.json in the .claude " +
			"folder of your home folder) or paste its contents.")
	}
	return lang.L("Tokentray could not read Claude's sign-in. {{.Why}}", map[string]any{"Why": plainError(err)})
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
	g.u.trackDialog(open, nil)
	open.Show()
}

// submit imports what the dialog shows.
func (g *importDialog) submit() {
	if g.signIn == nil || g.ok.Disabled() { // nothing to import, or already importing
		return
	}
	s, link, name := *g.signIn, g.link.Checked && g.signIn.Path != "", strings.TrimSpace(g.name.Text)
	g.ok.Disable()
	g.source.SetText(lang.L("Importing…"))
	g.u.goOwned(func() {
		var err error
		var done string
		if g.into != nil {
			acct, ierr := g.u.app.ReimportClaude(g.u.ctx, g.into.ID, s, link)
			err, done = ierr, lang.L("Imported the new sign-in into {{.Name}}.", map[string]any{"Name": acct.Name})
		} else {
			acct, ierr := g.u.app.ImportClaude(g.u.ctx, s, name, link)
			err, done = ierr, lang.L("Imported {{.Name}}. Tokentray keeps it fresh from now on.", map[string]any{"Name": acct.Name})
		}
		g.u.do(func() {
			if err != nil {
				g.ok.Enable()
				g.source.SetText(lang.L("Could not import the sign-in. {{.Why}}", map[string]any{"Why": plainError(err)}))
				return
			}
			g.d.Hide()
			g.u.setStatusLine(done)
		})
		g.u.reload()
	})
}
