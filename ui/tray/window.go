package tray

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/keeper"
)

// The accounts window: the list of accounts, the actions bar, the status
// line and recent events.

// ShowWindow brings the accounts window up, with fresh statuses.
func (u *UI) ShowWindow() {
	u.win.Show()
	u.placeWindow()
	u.win.RequestFocus()
	u.goOwned(u.reload)
	u.applyManaged(true)
}

// eventsHeight is the height of the recent-events list (about three lines).
const eventsHeight = 110

// keptEvents is how many recent events the list keeps.
const keptEvents = 50

func (u *UI) content() fyne.CanvasObject {
	u.status = widget.NewLabel("")
	// Its line is kept when empty: a message coming and going never moves
	// what is under it.
	u.status.Wrapping = fyne.TextWrapWord
	u.events = widget.NewList(
		func() int { return len(u.log) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(u.log) {
				o.(*widget.Label).SetText(u.log[len(u.log)-1-i]) // newest first
			}
		})
	u.empty = u.emptyState()
	u.list = widget.NewList(
		func() int { return len(u.statuses) },
		func() fyne.CanvasObject { return newAccountCard(u) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(u.statuses) {
				return
			}
			s := u.statuses[i]
			o.(*accountCard).set(s, u.providerLabel(s), u.opts.Now(), u.copiedWords(s.ID))
		},
	)
	u.list.OnSelected = func(i widget.ListItemID) {
		if i < len(u.statuses) {
			u.selected = u.statuses[i].ID
		}
	}
	u.list.OnUnselected = func(widget.ListItemID) { u.selected = "" }
	connect := newButtonWithIcon(lang.L("Connect an account…"), theme.ContentAddIcon(), func() { u.ShowConnect("") })
	connect.Importance = widget.HighImportance
	importClaude := newButton(lang.L("Import Claude sign-in…"), u.ShowImportClaude)
	var more *keyButton
	more = newButtonWithIcon(lang.L("Settings"), theme.SettingsIcon(), func() {
		showMenuUnder(u.settingsMenu(), u.win.Canvas(), more)
	})
	actions := container.NewHBox(connect)
	if u.app.Allowed("anthropic") { // the firm's managed settings may not offer it
		actions.Add(importClaude)
	}
	bar := container.NewBorder(nil, nil, actions, more)
	u.gw = u.newGatewayPanel()
	u.managed = widget.NewLabel("")
	u.managed.Hide()
	top := container.NewVBox(bar, u.managed, u.gw.box)
	u.top = top
	if u.opts.NoTrayHost {
		note := widget.NewLabel(lang.L("Your desktop shows no tray icons, so Tokentray lives in this window. " +
			"On GNOME, install the AppIndicator extension (package gnome-shell-extension-appindicator) and log in again " +
			"to get the tray icon. Closing this window keeps Tokentray running; start it again to bring the window back."))
		note.Wrapping = fyne.TextWrapWord
		note.Importance = widget.WarningImportance
		top.Add(note)
	}
	top.Add(u.status)
	// A fixed height, scrolling inside: however many events come, the
	// window keeps its size.
	height := canvas.NewRectangle(color.Transparent)
	height.SetMinSize(fyne.NewSize(0, eventsHeight))
	bottom := container.NewVBox(widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.L("Recent events"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewStack(height, u.events))
	// Built with the layout rather than container.NewBorder, which puts the
	// middle first: the objects' order is the Tab order, and the bar comes
	// first.
	middle := container.NewStack(u.list, u.empty)
	return container.New(layout.NewBorderLayout(top, bottom, nil, nil), top, middle, bottom)
}

// settingsMenu is the window's Settings button's menu: the providers'
// settings, the preferences, and starting at login.
func (u *UI) settingsMenu() *fyne.Menu {
	items := []*fyne.MenuItem{
		fyne.NewMenuItem(lang.L("Provider settings…"), u.ShowSettings),
		fyne.NewMenuItem(lang.L("Preferences…"), u.ShowPreferences),
	}
	items = append(items, fyne.NewMenuItemSeparator())
	lock := u.app.SettingsLock()
	if s, err := u.app.Settings(); err == nil {
		on := s.Gateway.On
		gw := fyne.NewMenuItem(lang.L("Gateway for Excel, Power BI and scripts"), func() { u.setGatewayOn(!on) })
		gw.Checked, gw.Disabled = on, lock.Gateway
		items = append(items, gw)
	}
	if as := u.opts.Autostart; as != nil {
		on, _ := as.Enabled()
		login := fyne.NewMenuItem(lang.L("Start at login"), func() { u.setAutostart(!on) })
		login.Checked, login.Disabled = on, lock.StartAtLogin
		items = append(items, login)
	}
	if lock.Gateway || lock.StartAtLogin {
		by := fyne.NewMenuItem(lang.L("Set by {{.By}}", map[string]any{"By": lock.By}), nil)
		by.Disabled = true
		items = append(items, by)
	}
	return fyne.NewMenu("", items...)
}

// setAutostart turns starting at login on or off, and says so.
func (u *UI) setAutostart(want bool) {
	if err := u.opts.Autostart.Set(want); err != nil {
		u.setStatusLine(lang.L("Could not change starting at login: {{.Reason}}", map[string]any{"Reason": plainError(err)}))
		return
	}
	if want {
		u.setStatusLine(lang.L("Tokentray will start when you log in."))
	} else {
		u.setStatusLine(lang.L("Tokentray will no longer start when you log in."))
	}
}

// emptyState is what the window shows with no account: one large
// invitation, and the providers as big buttons, each saying under it when
// it is not set up on this computer yet (read off Fyne's goroutine, shown
// when known: markSetUp).
func (u *UI) emptyState() *fyne.Container {
	heading := widget.NewRichText(&widget.TextSegment{
		Style: widget.RichTextStyle{Alignment: fyne.TextAlignCenter, SizeName: theme.SizeNameHeadingText, TextStyle: fyne.TextStyle{Bold: true}},
		Text:  lang.L("Connect your first account"),
	})
	intro := widget.NewLabelWithStyle(lang.L("Tokentray keeps its token fresh, ready to copy."), fyne.TextAlignCenter, fyne.TextStyle{})
	big := func(label string, icon fyne.Resource, tapped func()) *keyButton {
		b := newButtonWithIcon(label, icon, tapped)
		b.Importance = widget.HighImportance
		return b
	}
	// Two columns of big cells (a GridWrap would ask for the height of
	// one column, and make the window tall); under them, one line naming
	// the providers not set up on this computer yet (setUpNote).
	note := newSetUpNote()
	cell := func(b *keyButton, ids ...string) fyne.CanvasObject {
		// 44 high: big enough to hit (WCAG asks 24), low enough that
		// the demo build's three rows and the note fit the window's first
		// size, 640×600, even beside the note of a desktop without a tray.
		size := canvas.NewRectangle(color.Transparent)
		size.SetMinSize(fyne.NewSize(220, 44))
		if len(ids) > 0 {
			note.add(b.Text, ids...)
		}
		return container.NewStack(size, b)
	}
	// The providers the firm's managed settings offer (all, unless it
	// says); in the demo build, the demo provider first.
	choices := container.NewGridWithColumns(2)
	if demoProviderID != "" && u.app.Allowed(demoProviderID) {
		choices.Add(cell(big(lang.L("Demo provider"), theme.AccountIcon(), func() { u.ShowConnect(demoProviderID) }), demoProviderID))
	}
	var clio []string
	for _, r := range auth.ClioRegions() {
		if u.app.Allowed(r.PresetID()) {
			clio = append(clio, r.PresetID())
		}
	}
	if len(clio) > 0 {
		choices.Add(cell(big(lang.L("Clio"), theme.AccountIcon(), func() { u.ShowConnect("clio") }), clio...))
	}
	if u.app.Allowed("clientcasa") {
		choices.Add(cell(big(lang.L("ClientCasa"), theme.AccountIcon(), func() { u.ShowConnect("clientcasa") }), "clientcasa"))
	}
	if u.app.Allowed("anthropic") {
		choices.Add(cell(big(lang.L("Anthropic (import Claude sign-in)"), theme.DownloadIcon(), u.ShowImportClaude)))
	}
	choices.Add(cell(big(lang.L("Other…"), theme.MoreHorizontalIcon(), func() { u.ShowConnect("") })))
	// Which providers are set up is read once the UI runs (Start, and
	// whoever rebuilds this: refreshSetUp), not while the window is made.
	return container.NewCenter(container.NewVBox(heading, intro, container.NewCenter(choices), note))
}

// copiedWords is the confirmation on the card just copied: "Copied · clears
// in 30 s", counting down; empty for the other cards.
func (u *UI) copiedWords(id string) string {
	c := u.copied
	if c.id != id || c.id == "" {
		return ""
	}
	what := lang.L("Copied")
	if c.header {
		what = lang.L("Header copied")
	}
	if c.until.IsZero() {
		return what
	}
	left := time.Until(c.until)
	if left <= 0 {
		return ""
	}
	secs := int((left + time.Second - 1) / time.Second)
	return lang.L("{{.What}} · clears in {{.N}} s", map[string]any{"What": what, "N": secs})
}

// setStatusLine says text on the status line for a while (statusShown),
// then clears it; a later message replaces it, with its own time.
func (u *UI) setStatusLine(text string) { u.sayFor(text, nil, u.statusFor()) }

// label is an account's entry in the tray menu, read like its card: "Work
// · Clio · Europe — Fresh" (the name is left out when it is the
// provider's).
func (u *UI) label(s keeper.Status, now time.Time) string {
	p := u.providerLabel(s)
	if s.Name != "" && s.Name != p {
		p = s.Name + " · " + p
	}
	return p + " — " + StateWord(s, now)
}
