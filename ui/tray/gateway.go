package tray

import (
	"log/slog"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/ui/accounts"
)

// The local gateway in the window: a line with its address and buttons to
// copy it and its key while it serves; a checked item in the Settings menu
// to turn it on or off; "Copy gateway address" in each card's menu.

// gatewayPanel is the window's gateway line; hidden while the gateway does
// not serve.
type gatewayPanel struct {
	box     *fyne.Container
	address *widget.Label
}

func (u *UI) newGatewayPanel() *gatewayPanel {
	p := &gatewayPanel{address: widget.NewLabel("")}
	p.address.Truncation = fyne.TextTruncateEllipsis
	copyAddress := newButton(lang.L("Copy address"), func() {
		if u.gwPort != 0 {
			u.fyneApp.Clipboard().SetContent(accounts.GatewayAddress(u.gwPort))
			u.setStatusLine(lang.L("Gateway address copied."))
		}
	})
	copyKey := newButton(lang.L("Copy key"), u.copyGatewayKey)
	newKey := newButton(lang.L("New key…"), func() {
		u.confirm(lang.L("Make a new gateway key?"),
			lang.L("Tools and scripts given the current key will be refused until you give them the new one."),
			lang.L("Make a new key"), u.newGatewayKey)
	})
	p.box = container.NewBorder(nil, nil, nil, container.NewHBox(copyAddress, copyKey, newKey), p.address)
	p.box.Hide()
	return p
}

// startGateway runs the gateway while the settings say it is on (owned by
// the UI: it stops at Close).
func (u *UI) startGateway() {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	u.goOwned(func() {
		u.app.RunGateway(u.ctx, u.gwWake, log, func(st accounts.GatewayState) {
			u.do(func() { u.setGateway(st) })
		})
	})
}

// setGateway shows what the gateway is doing.
func (u *UI) setGateway(st accounts.GatewayState) {
	u.gwPort = st.Port
	if st.Port == 0 {
		u.gw.box.Hide()
	} else {
		u.gw.address.SetText(lang.L("Gateway: {{.Address}}", map[string]any{"Address": accounts.GatewayAddress(st.Port)}))
		u.gw.box.Show()
	}
	switch {
	case st.Err != nil:
		u.setStatusLine(lang.L("The gateway could not start. {{.Why}}", map[string]any{"Why": plainError(st.Err)}))
	case st.MovedFrom != 0:
		msg := lang.L("Port {{.From}} was taken by another program, so the gateway now serves at {{.Address}}. Give your tools this new address.",
			map[string]any{"From": st.MovedFrom, "Address": accounts.GatewayAddress(st.Port)})
		u.setStatusLine(msg)
		u.notify(msg)
	}
	u.top.Refresh()
}

// setGatewayOn turns the gateway on or off, from the Settings menu.
func (u *UI) setGatewayOn(on bool) {
	u.goOwned(func() {
		err := u.app.SetGateway(u.ctx, on)
		if err == nil && on {
			_, err = u.app.GatewayKey(u.ctx)
		}
		u.do(func() {
			if err != nil {
				u.setStatusLine(lang.L("Could not change the gateway: {{.Reason}}", map[string]any{"Reason": plainError(err)}))
				return
			}
			if on {
				u.setStatusLine(lang.L("The gateway is on: Excel, Power BI and scripts on this computer can reach your accounts through it with its key."))
			} else {
				u.setStatusLine(lang.L("The gateway is off."))
			}
		})
		u.wakeGateway()
	})
}

// wakeGateway makes the gateway look at its settings now.
func (u *UI) wakeGateway() {
	select {
	case u.gwWake <- struct{}{}:
	default: // a look is coming anyway
	}
}

// copyGatewayKey puts the gateway key on the clipboard, cleared as a token
// is.
func (u *UI) copyGatewayKey() {
	u.goOwned(func() {
		key, err := u.app.GatewayKey(u.ctx)
		u.do(func() {
			if err != nil {
				u.setStatusLine(lang.L("Could not copy the gateway key. {{.Reason}}", map[string]any{"Reason": plainError(err)}))
				return
			}
			u.fyneApp.Clipboard().SetContent(key)
			u.lastCopy = key
			u.clipSeq++
			if u.opts.ClearAfter < 0 {
				u.setStatusLine(lang.L("Gateway key copied."))
				return
			}
			u.setStatusLine(lang.L("Gateway key copied. It will be cleared from the clipboard in {{.When}}.",
				map[string]any{"When": humanSeconds(u.opts.ClearAfter)}))
			u.clearLater(key, u.clipSeq)
		})
	})
}

// copyGatewayAccount puts an account's gateway address on the clipboard.
func (u *UI) copyGatewayAccount(id string) {
	for _, s := range u.statuses {
		if s.ID == id && u.gwPort != 0 {
			u.fyneApp.Clipboard().SetContent(accounts.GatewayAccountAddress(u.gwPort, s.Account))
			u.setStatusLine(lang.L("Gateway address of {{.Name}} copied.", map[string]any{"Name": s.Name}))
		}
	}
}

// gatewayAllowItems are the card menu's checked items for what the
// gateway may do for the account: changes, and for a Claude account,
// sending its sign-in to the wrapper (asked with a confirmation that says
// the refresh token goes too).
func (u *UI) gatewayAllowItems(id string) []*fyne.MenuItem {
	for _, s := range u.statuses {
		if s.ID != id {
			continue
		}
		changes, wrapper := accounts.GatewayAllows(s.Account)
		ch := fyne.NewMenuItem(lang.L("Allow changes through the gateway"), func() { u.gatewayAllow(id, !changes, wrapper) })
		ch.Checked = changes
		items := []*fyne.MenuItem{ch}
		if p, ok := auth.Preset(s.Provider); ok && p.APIWrapper {
			wr := fyne.NewMenuItem(lang.L("Send this sign-in to the Claude wrapper…"), func() {
				if wrapper {
					u.gatewayAllow(id, changes, false)
					return
				}
				u.confirm(lang.L("Send this sign-in to the Claude wrapper?"),
					lang.L("The Claude wrapper takes the sign-in itself with every call: Tokentray would send it the refresh token of {{.Name}} too, "+
						"which lets whoever runs the wrapper keep using your Claude account. Allow this only for a wrapper you trust.",
						map[string]any{"Name": s.Name}),
					lang.L("Allow"), func() { u.gatewayAllow(id, changes, true) })
			})
			wr.Checked = wrapper
			items = append(items, wr)
		}
		return items
	}
	return nil
}

// gatewayAllow saves what the gateway may do for an account.
func (u *UI) gatewayAllow(id string, changes, wrapper bool) {
	u.goOwned(func() {
		if err := u.app.GatewayAllow(u.ctx, id, changes, wrapper); err != nil {
			u.do(func() {
				u.setStatusLine(lang.L("Could not change the gateway: {{.Reason}}", map[string]any{"Reason": plainError(err)}))
			})
			return
		}
		u.reload() // the card menu reads the account's flags from the statuses
	})
}

// newGatewayKey replaces the gateway key (the running gateway takes it at
// its next request) and says so.
func (u *UI) newGatewayKey() {
	u.goOwned(func() {
		_, err := u.app.NewGatewayKey(u.ctx)
		u.do(func() {
			if err != nil {
				u.setStatusLine(lang.L("Could not make a new gateway key. {{.Reason}}", map[string]any{"Reason": plainError(err)}))
				return
			}
			u.setStatusLine(lang.L("A new gateway key is in use: copy it (Copy key) into your tools."))
		})
	})
}
