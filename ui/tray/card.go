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
// icon's colour and in words, its name and provider, Copy token, and the
// other actions in a menu.

// accountCard is one account's card; the window's list reuses cards, so
// set fills one in for an account.
type accountCard struct {
	widget.BaseWidget
	u *UI

	bg       *canvas.Rectangle
	symbol   *canvas.Image
	name     *widget.Label
	provider *widget.Label
	state    *widget.Label
	copied   *widget.Label
	copy     *keyButton
	more     *keyButton

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
	c.more = newButtonWithIcon("", theme.MoreVerticalIcon(), c.showMenu)
	c.ExtendBaseWidget(c)
	return c
}

func (c *accountCard) CreateRenderer() fyne.WidgetRenderer {
	title := container.NewBorder(nil, nil, c.name, nil, c.provider)
	text := container.NewVBox(title, c.state)
	actions := container.NewVBox(container.NewHBox(c.copy, c.more), c.copied)
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

// cardMenu is the card's secondary actions.
func (u *UI) cardMenu(id, name string) *fyne.Menu {
	items := []*fyne.MenuItem{fyne.NewMenuItem(lang.L("Copy as Authorization header"), func() { u.Copy(id, true) })}
	if u.gwPort != 0 {
		items = append(items, fyne.NewMenuItem(lang.L("Copy gateway address"), func() { u.copyGatewayAccount(id) }))
		items = append(items, u.gatewayAllowItems(id)...)
	}
	return fyne.NewMenu("", append(items,
		fyne.NewMenuItem(lang.L("Reconnect…"), func() { u.Reconnect(id) }),
		fyne.NewMenuItem(lang.L("Disconnect…"), func() { u.ConfirmDisconnect(id, name) }),
	)...)
}

func (c *accountCard) showMenu() {
	if c.id == "" {
		return
	}
	m := c.u.cardMenu(c.id, c.accountName)
	widget.ShowPopUpMenuAtRelativePosition(m, c.u.win.Canvas(), fyne.NewPos(0, c.more.Size().Height), c.more)
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
	if s.Status == keeper.StatusReconnect {
		c.copy.Importance = widget.MediumImportance // Reconnect, in the menu, is what helps
	} else {
		c.copy.Importance = widget.HighImportance
	}
	c.copy.Refresh()
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
