package tray

import (
	"context"
	"errors"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/system"
	"github.com/tokentray/tokentray/ui/words"
)

// connectDialog walks the user through connecting: pick a provider (Clio
// asks for the region), wait for the browser (Cancel, or paste the code
// instead), then say who was connected or what to do next.
type connectDialog struct {
	u         *UI
	d         dialog.Dialog
	body      *fyne.Container
	cancel    context.CancelFunc
	paste     chan string
	providers map[string]auth.Provider
	reconnect string // the account being reconnected, if any
	enter     func() // what Enter does at this step; nil: nothing
}

// importChoice is the provider choice that opens the Claude import.
const importChoice = "import"

// ShowConnect opens the connect dialog, on the provider with that ID if
// given (Reconnect).
func (u *UI) ShowConnect(providerID string) {
	if u.connectUI != nil {
		u.connectUI.d.Show()
		return
	}
	c := u.newConnectDialog(lang.L("Connect an account"), "")
	c.body.Objects = []fyne.CanvasObject{widget.NewLabel(lang.L("Loading providers…"))}
	c.body.Refresh()
	u.goOwned(func() {
		ps, err := u.app.Providers(u.ctx)
		c.u.do(func() {
			if err != nil {
				c.result(lang.L("Could not read the providers. {{.Why}}", map[string]any{"Why": plainError(err)}))
				return
			}
			c.pick(ps, providerID)
		})
	})
}

// newConnectDialog shows an empty connect dialog; closing it cancels a
// flow in progress.
func (u *UI) newConnectDialog(title, reconnect string) *connectDialog {
	c := &connectDialog{u: u, body: container.NewVBox(), reconnect: reconnect}
	c.d = dialog.NewCustomWithoutButtons(title, c.body, u.win)
	u.trackDialog(c.d, func() {
		if c.enter != nil {
			c.enter()
		}
	})
	c.d.SetOnClosed(func() {
		if c.cancel != nil {
			c.cancel()
		}
		if u.connectUI == c { // not a newer dialog opened since
			u.connectUI = nil
		}
	})
	u.connectUI = c
	c.d.Resize(fyne.NewSize(460, 300))
	c.d.Show()
	return c
}

// showReconnect opens the dialog straight at the waiting step for an
// existing account.
func (u *UI) showReconnect(s keeper.Status) {
	if u.connectUI != nil {
		u.connectUI.d.Hide()
	}
	u.goOwned(func() {
		ps, err := u.app.Providers(u.ctx)
		u.do(func() {
			providers := map[string]auth.Provider{}
			for _, p := range ps {
				providers[p.ID] = p
			}
			if err == nil && providers[s.Provider].Redirect == auth.RedirectNone {
				u.showImport(&s) // imported: the sign-in comes from Claude again
				return
			}
			c := u.newConnectDialog(lang.L("Reconnect {{.Name}}", map[string]any{"Name": s.Name}), s.ID)
			if err != nil {
				c.result(lang.L("Could not read the providers. {{.Why}}", map[string]any{"Why": plainError(err)}))
				return
			}
			c.providers = providers
			c.wait(s.Provider, s.Name)
		})
	})
}

// pick is the first step: the provider, the region for Clio, a name.
func (c *connectDialog) pick(ps []auth.Provider, preselect string) {
	byName := map[string]string{} // shown name → provider ID
	var names []string
	clio := false
	c.providers = map[string]auth.Provider{}
	for _, p := range ps {
		c.providers[p.ID] = p
		if p.Redirect == auth.RedirectNone {
			// No browser sign-in: its sign-in is imported (Claude's).
			n := lang.L("{{.Provider}} — import sign-in", map[string]any{"Provider": p.Name})
			names = append(names, n)
			byName[n] = importChoice
			continue
		}
		if _, isClio := auth.ClioRegionOf(p.ID); isClio {
			if !clio {
				clio = true
				names = append(names, "Clio")
				byName["Clio"] = "clio"
			}
			continue
		}
		names = append(names, p.Name)
		byName[p.Name] = p.ID
	}
	sort.Strings(names)
	// The Clio regions offered (the firm's managed settings may offer
	// one), the one it set up first.
	var clioRegions []auth.ClioRegion
	var regions []string
	for _, r := range auth.ClioRegions() {
		if _, ok := c.providers[r.PresetID()]; ok {
			clioRegions = append(clioRegions, r)
			regions = append(regions, regionName(r))
		}
	}
	region := newSelect(regions, nil)
	if len(regions) > 0 {
		region.SetSelected(regions[0])
	}
	// The region the firm set up: fixed by its managed settings, else the
	// first with a client ID (from a connection profile, say), so that
	// Connect does not stop at a region nobody set up.
	preferred := -1
	for i, r := range clioRegions {
		if c.u.app.Locked(r.PresetID()).ClientID {
			preferred = i
			break
		}
		if preferred < 0 && setUp(c.providers[r.PresetID()]) {
			preferred = i
		}
	}
	if preferred >= 0 {
		region.SetSelected(regions[preferred])
	}
	regionRow := container.NewVBox(widget.NewLabel(lang.L("Clio region")), region)
	regionRow.Hide()
	// Said when Connect is chosen with no provider chosen.
	choose := widget.NewLabel(lang.L("Choose a provider first."))
	choose.Importance = widget.WarningImportance
	choose.Hide()
	provider := newSelect(names, func(name string) {
		choose.Hide()
		if byName[name] == "clio" {
			regionRow.Show()
		} else {
			regionRow.Hide()
		}
	})
	provider.PlaceHolder = lang.L("Choose a provider")
	name := newEntry()
	name.SetPlaceHolder(lang.L("Name (optional: taken from the account)"))
	preRegion, preClio := auth.ClioRegionOf(preselect)
	for n, id := range byName {
		if id == preselect || (id == "clio" && preClio) {
			provider.SetSelected(n)
		}
	}
	if preClio {
		region.SetSelected(regionName(preRegion))
	}
	start := newButton(lang.L("Connect"), nil)
	start.Importance = widget.HighImportance
	start.OnTapped = func() {
		id := byName[provider.Selected]
		if id == "" {
			choose.Show()
			c.u.win.Canvas().Focus(provider)
			return
		}
		if id == importChoice {
			c.d.Hide()
			c.u.ShowImportClaude()
			return
		}
		if id == "clio" {
			id = clioRegions[max(region.SelectedIndex(), 0)].PresetID()
		}
		c.wait(id, name.Text)
	}
	c.set(widget.NewLabel(lang.L("Which account do you want to connect?")), provider, choose, regionRow, name,
		container.NewHBox(newButton(lang.L("Cancel"), c.d.Hide), start))
	c.enter = start.OnTapped
	c.u.win.Canvas().Focus(name)
}

func (c *connectDialog) set(objs ...fyne.CanvasObject) {
	c.body.Objects = objs
	c.body.Refresh()
}

// wait is the second step: the browser is open; Cancel stops, a paste box
// takes the code instead (shown from the start for Clio's approval page),
// or the address the browser lands on (an https redirect page).
func (c *connectDialog) wait(providerID, name string) {
	c.enter = nil // Escape cancels; the paste box has its own Enter
	ctx, cancel := context.WithCancel(c.u.ctx)
	c.cancel = cancel
	c.paste = make(chan string)
	progress := widget.NewProgressBarInfinite()
	mode := c.providers[providerID].Redirect
	label, placeholder, use, checking := lang.L("Paste the code instead:"),
		lang.L("Paste the page address or the code"), lang.L("Use this code"), lang.L("Checking the code…")
	if mode == auth.RedirectPage {
		label, placeholder, use, checking =
			lang.L("After you approve, copy the address your browser shows and paste it here:"),
			"https://…?code=…&state=…", lang.L("Use this address"), lang.L("Checking the address…")
	}
	if mode == auth.RedirectApproval && system.Wayland() {
		// A browser running natively on Wayland has no X11 window whose
		// title the watcher could read: said now, not after a vain wait.
		label = lang.L("On Wayland, Tokentray cannot see your browser's window title, so it cannot read the code by itself. " +
			"After you approve, copy the address of the page you land on and paste it here:")
	}
	pasteEntry := newEntry()
	pasteEntry.SetPlaceHolder(placeholder)
	hint := widget.NewLabel("")
	hint.Wrapping = fyne.TextWrapWord
	submit := func(s string) {
		// What is refused whatever the attempt's state is said at once; the
		// flow, which holds the state, judges the rest.
		if err := auth.CheckPaste(mode, s); err != nil {
			hint.SetText(plainError(err))
			return
		}
		hint.SetText(checking)
		// Hands the text to the flow, or gives up with it when the flow
		// ends (ctx is the flow's, ended by the dialog and by Close).
		c.u.goOwned(func() {
			select {
			case c.paste <- s:
			case <-ctx.Done():
			}
		})
	}
	pasteEntry.OnSubmitted = submit
	pasteLabel := widget.NewLabel(label)
	pasteLabel.Wrapping = fyne.TextWrapWord
	pasteBox := container.NewVBox(pasteLabel, pasteEntry, hint,
		newButton(use, func() { submit(pasteEntry.Text) }))
	if mode != auth.RedirectApproval && mode != auth.RedirectPage {
		pasteBox.Hide() // the browser comes back to Tokentray by itself
	}
	// Shown if the browser cannot be opened: the address, to open by hand.
	linkNote := widget.NewLabel(lang.L("Tokentray could not open your browser. Copy this link, open it in a browser, " +
		"and approve there; Tokentray is still waiting."))
	linkNote.Wrapping = fyne.TextWrapWord
	link := newEntry()
	linkBox := container.NewVBox(linkNote, link,
		newButton(lang.L("Copy link"), func() { c.u.fyneApp.Clipboard().SetContent(link.Text) }))
	linkBox.Hide()
	c.set(widget.NewLabel(lang.L("Waiting for your browser…\nApprove Tokentray in the browser window that just opened.")),
		progress, linkBox, pasteBox, newButton(lang.L("Cancel"), c.d.Hide))

	c.u.goOwned(func() {
		opts := auth.ConnectOptions{Approval: c.paste, Open: c.u.opts.OpenURL, OpenFailed: func(u string, _ error) {
			c.u.do(func() {
				link.SetText(u)
				linkBox.Show()
			})
		}, PasteRejected: func(err error) {
			c.u.do(func() { hint.SetText(plainError(err)) })
		}}
		var acct store.Account
		var err error
		if c.reconnect != "" {
			acct, err = c.u.app.Reconnect(ctx, c.reconnect, opts)
		} else {
			acct, err = c.u.app.Connect(ctx, providerID, name, opts)
		}
		c.u.do(func() {
			cancel()
			var ae *auth.Error
			switch {
			case err == nil:
				c.result(lang.L("Connected {{.Name}}. Tokentray keeps its token fresh from now on.", map[string]any{"Name": acct.Name}))
			case auth.KindOf(err) == auth.KindCanceled:
				c.d.Hide()
			case errors.As(err, &ae) && (ae.NoClientID != nil || ae.NoClientSecret != nil):
				c.notSetUp(ae)
			case auth.KindOf(err) == auth.KindMisconfigured:
				c.result(plainError(err)) // the same settings would fail again
			default:
				// Declined, timed out, the network, a port taken: trying
				// again may well work. A declined sign-in is an event too.
				c.u.addEvent(signInEndedEvent(words.ProviderName(providerID, c.providers[providerID].Name), err))
				c.failed(plainError(err), func() { c.wait(providerID, name) })
			}
		})
		c.u.reload()
	})
}

// result is the last step: success or what to do next.
func (c *connectDialog) result(text string) {
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	c.set(msg, newButton(lang.L("Close"), c.d.Hide))
	c.enter = c.d.Hide
}

// failed is the last step of an attempt that may work the next time (the
// user declined by mistake, the browser took too long): why, Close, and
// Connect again (also Enter), which runs again.
func (c *connectDialog) failed(text string, again func()) {
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	retry := newButton(lang.L("Connect again"), again)
	retry.Importance = widget.HighImportance
	c.set(msg, container.NewHBox(newButton(lang.L("Close"), c.d.Hide), retry))
	c.enter = again
}

// notSetUp is the last step when the provider has no client ID, or no
// client secret where it needs one, on this computer: said for someone who
// did not set Tokentray up (no command line), with the two ways out —
// the provider settings, or a connection profile from whoever manages
// Tokentray.
func (c *connectDialog) notSetUp(e *auth.Error) {
	var text string
	if n := e.NoClientID; n != nil {
		name := providerWords(n.ID, n.Name)
		if c.providers[n.ID].Confidential {
			text = lang.L("{{.Name}} is not set up on this computer yet. Ask whoever manages Tokentray at your firm "+
				"for its client ID and secret, or open a connection file they sent you.", map[string]any{"Name": name})
		} else {
			text = lang.L("{{.Name}} is not set up on this computer yet. Ask whoever manages Tokentray at your firm "+
				"for its client ID, or open a connection file they sent you.", map[string]any{"Name": name})
		}
	} else {
		n := e.NoClientSecret
		text = lang.L("{{.Name}} is not fully set up on this computer yet: its client secret is missing. Ask whoever "+
			"manages Tokentray at your firm for it, or open a connection file they sent you.",
			map[string]any{"Name": providerWords(n.ID, n.Name)})
	}
	id := ""
	if e.NoClientID != nil {
		id = e.NoClientID.ID
	} else {
		id = e.NoClientSecret.ID
	}
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	settings := newButton(lang.L("Open Provider settings"), func() {
		c.d.Hide()
		c.u.showSettingsThen(id)
	})
	file := newButton(lang.L("Open a connection file…"), func() {
		c.d.Hide()
		c.u.ShowOpenProfile()
	})
	c.set(msg, container.NewHBox(settings, file), container.NewHBox(layout.NewSpacer(), newButton(lang.L("Close"), c.d.Hide)))
	c.enter = c.d.Hide
}
