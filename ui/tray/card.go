package tray

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/keeper"
)

// An account's card in the window: its state as a symbol in the tray
// icon's colour and in words, its name and provider, its main action
// (Copy token; Reconnect… when the account needs reconnecting), and the
// other actions in a menu.

// accountCard is one account's card; the window's list reuses cards, so
// set fills one in for an account.
type accountCard struct {
	widget.BaseWidget
	u *UI

	bg        *canvas.Rectangle
	symbol    *canvas.Image
	name      *widget.Label
	provider  *widget.Label
	state     *widget.Label
	copied    *widget.Label
	copy      *keyButton // the main button, but when the account needs reconnecting
	reconnect *keyButton // the main button then
	more      *keyButton
	buttons   *fyne.Container

	id, accountName string
}

func newAccountCard(u *UI) *accountCard {
	c := &accountCard{u: u}
	c.bg = canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	c.bg.CornerRadius = theme.InputRadiusSize()
	c.symbol = canvas.NewImageFromResource(TrayIcon(OverallOK))
	c.symbol.FillMode = canvas.ImageFillContain
	c.symbol.SetMinSize(fyne.NewSize(28, 28))
	c.name = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	c.provider = widget.NewLabel("")
	c.provider.Truncation = fyne.TextTruncateEllipsis
	c.state = widget.NewLabel("")
	c.state.Truncation = fyne.TextTruncateEllipsis
	c.copied = widget.NewLabel("")
	c.copied.Importance = widget.SuccessImportance
	c.copied.Alignment = fyne.TextAlignTrailing
	c.copy = newButtonWithIcon(lang.L("Copy token"), theme.ContentCopyIcon(), func() {
		if c.id != "" {
			u.Copy(c.id, false)
		}
	})
	c.copy.Importance = widget.HighImportance
	c.reconnect = newButtonWithIcon(lang.L("Reconnect…"), theme.ViewRefreshIcon(), func() {
		if c.id != "" {
			u.Reconnect(c.id)
		}
	})
	c.reconnect.Importance = widget.HighImportance
	c.reconnect.Hide()
	c.more = newButtonWithIcon("", theme.MoreVerticalIcon(), c.showMenu)
	c.buttons = container.NewHBox(c.copy, c.reconnect, c.more)
	c.ExtendBaseWidget(c)
	return c
}

// CreateRenderer lays the card out: the symbol; the name and provider
// over the state; the buttons at the end. The copy's confirmation, which
// changes width as it counts down, is at the end of the state's line,
// inside the words' column: the buttons keep their place (the column
// gives it the room it needs and the state's words are shortened).
func (c *accountCard) CreateRenderer() fyne.WidgetRenderer {
	title := container.NewBorder(nil, nil, c.name, nil, c.provider)
	stateLine := container.NewBorder(nil, nil, nil, c.copied, c.state)
	text := container.NewVBox(title, stateLine)
	actions := container.NewCenter(c.buttons)
	symbol := container.NewCenter(c.symbol)
	body := container.NewPadded(container.NewBorder(nil, nil, symbol, actions, text))
	return widget.NewSimpleRenderer(container.NewPadded(container.NewStack(c.bg, body)))
}

// Refresh follows the theme (light or dark) for the card's background.
func (c *accountCard) Refresh() {
	c.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	c.bg.CornerRadius = theme.InputRadiusSize()
	c.BaseWidget.Refresh()
}

// cardMenu is the card's secondary actions. An account that needs
// reconnecting has Reconnect… as its card's main button, and Copy token
// here (its last token may still work for a while).
func (u *UI) cardMenu(id, name string) *fyne.Menu {
	reconnect := false
	for _, s := range u.statuses {
		if s.ID == id {
			reconnect = s.Status == keeper.StatusReconnect
		}
	}
	var items []*fyne.MenuItem
	if reconnect {
		items = append(items, fyne.NewMenuItem(lang.L("Copy token"), func() { u.Copy(id, false) }))
	}
	items = append(items, fyne.NewMenuItem(lang.L("Copy as Authorization header"), func() { u.Copy(id, true) }))
	if u.gwPort != 0 {
		items = append(items, fyne.NewMenuItem(lang.L("Copy gateway address"), func() { u.copyGatewayAccount(id) }))
		items = append(items, u.gatewayAllowItems(id)...)
	}
	if !reconnect {
		items = append(items, fyne.NewMenuItem(lang.L("Reconnect…"), func() { u.Reconnect(id) }))
	}
	return fyne.NewMenu("", append(items,
		fyne.NewMenuItem(lang.L("Disconnect…"), func() { u.ConfirmDisconnect(id, name) }),
	)...)
}

// showMenu opens the card's menu under its ⋮ button, where the button is
// drawn. (Fyne's ShowPopUpMenuAtRelativePosition asks the driver for the
// button's window, which the driver forgets for objects it was not asked
// about for a minute, and the list reuses cards: the menu then opened in
// the window's top-left corner.)
func (c *accountCard) showMenu() {
	if c.id == "" {
		return
	}
	showMenuUnder(c.u.cardMenu(c.id, c.accountName), c.u.win.Canvas(), c.more)
}

// showMenuUnder opens m on canvas c under the button b, where b is drawn
// (keyButton.at), the driver knowing it or not.
func showMenuUnder(m *fyne.Menu, c fyne.Canvas, b *keyButton) {
	below := fyne.NewPos(0, b.Size().Height)
	if at, ok := b.at(); ok {
		widget.ShowPopUpMenuAtPosition(m, c, at.Add(below))
		return
	}
	widget.ShowPopUpMenuAtRelativePosition(m, c, below, b)
}

// set shows an account on the card.
func (c *accountCard) set(s keeper.Status, provider string, now time.Time, copied string) {
	c.id, c.accountName = s.ID, s.Name
	state := accountState(s, now)
	c.symbol.Resource = TrayIcon(state)
	c.symbol.Refresh()
	c.name.SetText(s.Name)
	c.provider.SetText(provider)
	c.state.Importance = stateImportance(state)
	c.state.SetText(StatusWord(s, now))
	c.copied.SetText(copied)
	// Reconnecting is what helps an account that needs it: its card's main
	// button; Copy token is in its menu.
	reconnect := s.Status == keeper.StatusReconnect
	if reconnect != c.reconnect.Visible() {
		if reconnect {
			c.copy.Hide()
			c.reconnect.Show()
		} else {
			c.reconnect.Hide()
			c.copy.Show()
		}
		c.buttons.Refresh() // laid out again: the two buttons differ in width
	}
}

// stateImportance colours the state words of an account that needs
// attention as the tray icon does: amber, red; a fresh one's are plain.
func stateImportance(o Overall) widget.Importance {
	switch o {
	case OverallAttention:
		return widget.WarningImportance
	case OverallBroken:
		return widget.DangerImportance
	}
	return widget.MediumImportance
}

// providerLabel names an account's provider as the card and the menu show
// it: "Clio · Europe", "ClientCasa", the name given to a custom provider.
func (u *UI) providerLabel(s keeper.Status) string {
	if r, ok := auth.ClioRegionOf(s.Provider); ok {
		return lang.L("Clio · {{.Region}}", map[string]any{"Region": regionName(r)})
	}
	if p := u.names[s.Provider]; p != "" {
		return p
	}
	return s.Provider
}

// regionName is a Clio region's name in the user's language.
func regionName(r auth.ClioRegion) string {
	switch r.Code {
	case "us":
		return lang.L("United States")
	case "ca":
		return lang.L("Canada")
	case "eu":
		return lang.L("Europe")
	case "au":
		return lang.L("Australia")
	}
	return r.Label
}
