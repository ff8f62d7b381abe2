package tray

import (
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/ui/accounts"
	"github.com/tokentray/tokentray/ui/words"
)

// ShowSettings opens the provider settings: the client ID, secret, token
// URL and redirect of a provider (what whoever set Tokentray up registered
// at the provider), or a custom provider by its issuer URL. Secrets are sealed,
// never shown back.
func (u *UI) ShowSettings() { u.showSettings("") }

// showSettings is ShowSettings with provider id chosen (none: "").
func (u *UI) showSettings(id string) {
	u.loadingDialog(lang.L("Provider settings"), settingsSize, func(d *formDialog) (func() fyne.CanvasObject, error) {
		ps, err := u.app.Providers(u.ctx)
		return func() fyne.CanvasObject { return u.settingsForm(ps, d, id) }, err
	})
}

// settingsSize is the provider settings' size: it fits the window at its
// first size (defaultWindow, 640×600); in a smaller window Fyne makes it
// smaller, and the form scrolls above its buttons.
var settingsSize = fyne.NewSize(560, 540)

// formDialog is a dialog that loadingDialog fills with a form. Hide (what
// Escape and the form's Close button call) runs onClose when the form set
// one, which may ask before closing; close closes at once.
type formDialog struct {
	dialog.Dialog
	onClose func()
}

func (d *formDialog) Hide() {
	if d.onClose != nil {
		d.onClose()
		return
	}
	d.Dialog.Hide()
}

func (d *formDialog) Dismiss() { d.Hide() }

// close closes the dialog without asking.
func (d *formDialog) close() { d.Dialog.Hide() }

// loadingDialog shows a dialog that says "Loading…" while load runs off
// Fyne's goroutine; then the form load returns (built on Fyne's goroutine),
// or the error in plain words. The form fills the dialog: it can keep its
// buttons at the bottom (formLayout).
func (u *UI) loadingDialog(title string, size fyne.Size, load func(*formDialog) (func() fyne.CanvasObject, error)) {
	body := container.NewStack(container.NewVBox(widget.NewLabel(lang.L("Loading…"))))
	d := &formDialog{Dialog: dialog.NewCustomWithoutButtons(title, body, u.win)}
	u.trackDialog(d, nil) // the form sets what Enter does (setEnter)
	d.Resize(size)
	d.Show()
	u.goOwned(func() {
		form, err := load(d)
		u.do(func() {
			if err != nil {
				why := widget.NewLabel(plainError(err))
				why.Wrapping = fyne.TextWrapWord
				body.Objects = []fyne.CanvasObject{formLayout(why, nil, newButton(lang.L("Close"), d.close))}
			} else {
				body.Objects = []fyne.CanvasObject{form()}
			}
			body.Refresh()
		})
	})
}

// formLayout lays a dialog's form out: the form scrolls, and below it,
// always in view, the result line (if any, hidden while empty) and the
// buttons, on the right, the main one last.
func formLayout(form fyne.CanvasObject, result *resultLabel, buttons ...fyne.CanvasObject) fyne.CanvasObject {
	row := container.NewHBox(layout.NewSpacer())
	for _, b := range buttons {
		row.Add(b)
	}
	bottom := container.NewVBox(widget.NewSeparator())
	if result != nil {
		bottom.Add(result.Label)
	}
	bottom.Add(row)
	// container.NewBorder puts the middle first: the Tab order is the
	// form's, then the buttons'.
	all := container.NewBorder(nil, bottom, nil, nil, container.NewVScroll(form))
	if result != nil {
		result.around = []*fyne.Container{bottom, all}
	}
	return all
}

// resultLabel is a form's result line: word-wrapped, and hidden while it
// says nothing (so that it takes no room above the buttons).
type resultLabel struct {
	*widget.Label
	around []*fyne.Container // laid out again as the line changes: innermost first
}

func newResultLabel() *resultLabel {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return &resultLabel{Label: l}
}

func (r *resultLabel) SetText(text string) {
	r.Label.SetText(text)
	if text == "" {
		r.Label.Hide()
	} else {
		r.Label.Show()
	}
	// Its height changed: the form gives it the room it needs.
	for _, c := range r.around {
		c.Refresh()
	}
}

func (u *UI) settingsForm(ps []auth.Provider, d *formDialog, preselect string) fyne.CanvasObject {
	byName := map[string]auth.Provider{}
	var names []string
	for _, p := range ps { // by the name the reader reads ("Clio (États-Unis)")
		n := words.ProviderName(p.ID, p.Name)
		byName[n] = p
		names = append(names, n)
	}
	sort.Strings(names)
	result := newResultLabel()

	// The placeholders are short enough to be read whole in the field
	// (TestLayoutProviderSettings); the redirect's note says more.
	clientID := newEntry()
	secret := newPasswordEntry()
	secret.SetPlaceHolder(lang.L("Leave empty to keep the saved one"))
	// The redirect: typed (a registered address) or picked (loopback,
	// approval); checked by the same parser as the command line's.
	redirect := newSelectEntry(nil)
	redirect.SetPlaceHolder(lang.L("loopback or https://…"))
	redirect.Disable() // until a provider is chosen
	redirectNote := widget.NewLabel("")
	redirectNote.Wrapping = fyne.TextWrapWord
	// The token endpoint, whole: a service may move it where a base URL
	// cannot follow (Anthropic's is a fixed path).
	tokenURL := newEntry()
	tokenURL.SetPlaceHolder("https://…")
	// Where the local gateway sends an account's requests.
	apiBase := newEntry()
	apiBase.SetPlaceHolder("https://…")
	showRedirect := func(p auth.Provider) {
		if p.Redirect == auth.RedirectNone {
			redirect.SetOptions(nil)
			redirect.SetText("")
			redirect.Disable()
		} else {
			choices := []string{"loopback"}
			if p.ApprovalURL != "" {
				choices = append(choices, "approval")
			}
			if v := p.RedirectValue(); v != "approval" {
				choices = append(choices, v)
			}
			redirect.SetOptions(choices)
			redirect.SetText(p.RedirectValue())
			redirect.Enable()
		}
		redirectNote.SetText(lang.L(words.RedirectWords(p)))
	}
	// What the firm's managed settings fix for the chosen provider: shown,
	// not editable, and said by whom; a secret set by policy never shown.
	managedNote := widget.NewLabel("")
	managedNote.Wrapping = fyne.TextWrapWord
	managedNote.Hide()
	var fields *widget.Form // the client settings' fields, made below
	lockFields := func(p auth.Provider) {
		l := u.app.Locked(p.ID)
		for _, f := range []struct {
			locked bool
			w      fyne.Disableable
		}{{l.ClientID, clientID}, {l.Secret, secret}, {l.Provider, tokenURL}, {l.Provider, apiBase}} {
			if f.locked {
				f.w.Disable()
			} else {
				f.w.Enable()
			}
		}
		if l.Redirect || l.Provider {
			redirect.Disable()
		}
		secret.SetPlaceHolder(lang.L("Leave empty to keep the saved one"))
		if l.Secret {
			secret.SetPlaceHolder(lang.L("Set by {{.By}}", map[string]any{"By": l.By}))
		}
		// A form greys a label out as its field is when it is drawn again:
		// the Redirect label, say, is enabled with its field.
		fields.Refresh()
		if !l.Any() {
			managedNote.Hide()
			return
		}
		managedNote.SetText(lang.L("Set by {{.By}}: what is greyed out cannot be changed here.", map[string]any{"By": l.By}))
		managedNote.Show()
	}
	var picker *keySelect // the provider
	redirect.OnChanged = func(v string) {
		if p, ok := byName[picker.Selected]; ok && p.Redirect != auth.RedirectNone {
			if np, err := p.WithRedirect(v); err == nil {
				redirectNote.SetText(lang.L(words.RedirectWords(np)))
			} else {
				redirectNote.SetText(lang.L(words.RedirectChoices.Words()) + ".")
			}
		}
	}
	picker = newSelect(names, func(name string) {
		clientID.SetText(byName[name].ClientID)
		secret.SetText("")
		tokenURL.SetText(byName[name].Endpoint.TokenURL)
		apiBase.SetText(byName[name].APIBase)
		showRedirect(byName[name])
		lockFields(byName[name])
	})
	picker.PlaceHolder = lang.L("Choose a provider")
	saveSettings := func() {
		p, ok := byName[picker.Selected]
		if !ok {
			result.SetText(lang.L("Choose a provider first."))
			return
		}
		next := accounts.ClientSettings{ClientID: strings.TrimSpace(clientID.Text), Secret: secret.Text,
			TokenURL: strings.TrimSpace(tokenURL.Text), APIBase: strings.TrimSpace(apiBase.Text)}
		if _, err := p.WithAPIBase(next.APIBase); err != nil {
			result.SetText(lang.L("Could not save. {{.Why}}", map[string]any{"Why": plainError(err)}))
			return
		}
		if next.TokenURL == "" {
			result.SetText(lang.L("Say where tokens are requested (the token URL)."))
			return
		}
		if _, err := p.WithTokenURL(next.TokenURL); err != nil {
			result.SetText(lang.L("Could not save. {{.Why}}", map[string]any{"Why": plainError(err)}))
			return
		}
		if p.Redirect != auth.RedirectNone {
			next.Redirect = strings.TrimSpace(redirect.Text)
			if next.Redirect == "" {
				result.SetText(lang.L("Say where sign-in comes back (the redirect): {{.Choices}}.", map[string]any{"Choices": lang.L(words.RedirectChoices.Words())}))
				return
			}
			if _, err := p.WithRedirect(next.Redirect); err != nil {
				result.SetText(lang.L("Could not save. {{.Why}}", map[string]any{"Why": plainError(err)}))
				return
			}
		}
		result.SetText(lang.L("Saving…"))
		u.goOwned(func() {
			saved, err := u.app.SaveClient(u.ctx, p.ID, next)
			u.do(func() {
				if err != nil {
					result.SetText(lang.L("Could not save. {{.Why}}", map[string]any{"Why": plainError(err)}))
					return
				}
				byName[words.ProviderName(saved.ID, saved.Name)] = saved
				secret.SetText("")
				tokenURL.SetText(saved.Endpoint.TokenURL)
				apiBase.SetText(saved.APIBase)
				showRedirect(saved)
				lockFields(saved)
				result.SetText(lang.L("Saved the settings of {{.Provider}}.", map[string]any{"Provider": words.ProviderName(p.ID, p.Name)}))
			})
		})
	}
	redirect.OnSubmitted = func(string) { saveSettings() }
	save := newButton(lang.L("Save"), saveSettings)
	u.setEnter(d, saveSettings)

	issuer := newEntry()
	issuer.SetPlaceHolder("https://login.example.com")
	customID := newEntry()
	customID.SetPlaceHolder(lang.L("short name, e.g. acme"))
	customClient := newEntry()
	customSecret := newPasswordEntry()
	add := newButton(lang.L("Add provider"), func() {
		id, iss := strings.TrimSpace(customID.Text), strings.TrimSpace(issuer.Text)
		if id == "" || iss == "" || strings.TrimSpace(customClient.Text) == "" {
			result.SetText(lang.L("A custom provider needs a short name, its address (issuer URL) and a client ID."))
			return
		}
		result.SetText(lang.L("Looking up {{.Address}}…", map[string]any{"Address": iss}))
		client, sec := strings.TrimSpace(customClient.Text), customSecret.Text
		u.goOwned(func() {
			p, err := u.app.AddProvider(u.ctx, id, id, iss, client, sec)
			u.do(func() {
				if err != nil {
					result.SetText(lang.L("Could not add the provider. {{.Why}} Check the address: it is the one whose "+
						"/.well-known/openid-configuration exists.", map[string]any{"Why": plainError(err)}))
					return
				}
				customSecret.SetText("")
				result.SetText(lang.L("Added {{.Provider}}. Choose Connect an account… to use it.", map[string]any{"Provider": p.Name}))
			})
		})
	})
	// Where a client ID comes from, for whoever opens this without having
	// set Tokentray up.
	where := widget.NewLabel(lang.L("The client ID and secret come from the app registered for Tokentray at the provider — " +
		"ask whoever manages Tokentray at your firm."))
	where.Wrapping = fyne.TextWrapWord
	fields = widget.NewForm(widget.NewFormItem(lang.L("Client ID"), clientID), widget.NewFormItem(lang.L("Client secret"), secret),
		widget.NewFormItem(lang.L("Token URL"), tokenURL), widget.NewFormItem(lang.L("API base URL (gateway)"), apiBase),
		widget.NewFormItem(lang.L("Redirect"), redirect))
	client := container.NewVBox(
		widget.NewLabelWithStyle(lang.L("Client settings"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		where,
		picker,
		managedNote,
		fields,
		redirectNote,
	)
	if !u.app.CustomProvidersAllowed() {
		// Adding providers is turned off by policy: say so instead.
		client.Add(widget.NewSeparator())
		note := widget.NewLabel(lang.L("Adding providers is turned off by {{.By}}.", map[string]any{"By": accounts.ManagedBy(u.app.Policy())}))
		note.Wrapping = fyne.TextWrapWord
		client.Add(note)
	} else {
		client.Add(widget.NewSeparator())
		client.Add(widget.NewLabelWithStyle(lang.L("Another provider"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		client.Add(widget.NewForm(widget.NewFormItem(lang.L("Name"), customID), widget.NewFormItem(lang.L("Issuer URL"), issuer),
			widget.NewFormItem(lang.L("Client ID"), customClient), widget.NewFormItem(lang.L("Client secret"), customSecret)))
		client.Add(add)
	}
	save.Importance = widget.HighImportance
	for name, p := range byName { // once the whole form is made: choosing fills it in
		if p.ID == preselect {
			picker.SetSelected(name)
		}
	}
	return formLayout(client, result, newButton(lang.L("Close"), d.Hide), save)
}
