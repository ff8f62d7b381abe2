package tray

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/ui/accounts"
)

// The choices' labels are translated when the form is made: Fyne has the
// translations only once the app has started.
type clearChoice struct {
	label   string
	seconds int
}

func clearChoices() []clearChoice {
	return []clearChoice{{lang.L("15 seconds"), 15}, {lang.L("30 seconds"), 30}, {lang.L("1 minute"), 60},
		{lang.L("5 minutes"), 300}, {lang.L("Never"), 0}}
}

type marginChoice struct {
	label   string
	minutes int
}

func marginChoices() []marginChoice {
	return []marginChoice{{lang.L("Automatically (5 minutes, earlier for short tokens)"), 0},
		{lang.L("10 minutes"), 10}, {lang.L("30 minutes"), 30}}
}

// ShowPreferences edits the saved preferences: how long copied tokens stay
// on the clipboard, notifications, and how early tokens are refreshed.
func (u *UI) ShowPreferences() {
	u.loadingDialog(lang.L("Preferences"), fyne.NewSize(440, 300), func(d dialog.Dialog) (func() fyne.CanvasObject, error) {
		s, err := u.be.Settings()
		return func() fyne.CanvasObject { return u.preferencesForm(s, d) }, err
	})
}

func (u *UI) preferencesForm(s accounts.Settings, d dialog.Dialog) fyne.CanvasObject {
	clearChoices, marginChoices := clearChoices(), marginChoices()
	lock := u.be.SettingsLock()
	if most := lock.ClipboardMost; most > 0 {
		// Only as long as the firm allows, never "Never"; its own limit
		// when it is none of the usual ones.
		var kept []clearChoice
		for _, c := range clearChoices {
			if c.seconds > 0 && c.seconds <= most {
				kept = append(kept, c)
			}
		}
		if len(kept) == 0 || kept[len(kept)-1].seconds != most {
			kept = append(kept, clearChoice{lang.L("{{.N}} seconds", map[string]any{"N": most}), most})
		}
		clearChoices = kept
	}
	var clearLabels, marginLabels []string
	for _, c := range clearChoices {
		clearLabels = append(clearLabels, c.label)
	}
	for _, c := range marginChoices {
		marginLabels = append(marginLabels, c.label)
	}
	clear := newSelect(clearLabels, nil)
	for _, c := range clearChoices {
		if c.seconds == s.ClearClipboardSeconds {
			clear.SetSelected(c.label)
		}
	}
	margin := newSelect(marginLabels, nil)
	for _, c := range marginChoices {
		if c.minutes == s.RefreshMarginMinutes {
			margin.SetSelected(c.label)
		}
	}
	notify := newCheck(lang.L("Show notifications"), nil)
	notify.SetChecked(!s.NotificationsOff)
	gateway := newCheck(lang.L("Gateway for Excel, Power BI and scripts"), nil)
	gateway.SetChecked(s.Gateway.On)
	if lock.Notifications {
		notify.Disable()
	}
	if lock.Gateway {
		gateway.Disable()
	}
	var managedNote fyne.CanvasObject = container.NewVBox()
	if lock.Notifications || lock.Gateway || lock.ClipboardMost > 0 {
		l := widget.NewLabel(lang.L("Some of these are set by {{.By}}: what is greyed out cannot be changed.",
			map[string]any{"By": lock.By}))
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.LowImportance
		managedNote = l
	}
	result := widget.NewLabel("")
	result.Wrapping = fyne.TextWrapWord
	save := newButton(lang.L("Save"), func() {
		next := s
		for _, c := range clearChoices {
			if c.label == clear.Selected {
				next.ClearClipboardSeconds = c.seconds
			}
		}
		for _, c := range marginChoices {
			if c.label == margin.Selected {
				next.RefreshMarginMinutes = c.minutes
			}
		}
		next.NotificationsOff = !notify.Checked
		next.Gateway.On = gateway.Checked
		u.goOwned(func() {
			err := u.be.SaveSettings(u.ctx, next)
			if err == nil && next.Gateway.On {
				_, err = u.be.GatewayKey(u.ctx) // made now, so that it can be copied at once
			}
			u.wakeGateway()
			u.do(func() {
				if err != nil {
					result.SetText(lang.L("Could not save. {{.Why}}", map[string]any{"Why": plainError(err)}))
					return
				}
				u.opts.ClearAfter, u.opts.NotificationsOff = next.ClearAfter(), next.NotificationsOff
				msg := lang.L("Saved.")
				if next.RefreshMarginMinutes != s.RefreshMarginMinutes {
					msg = lang.L("Saved. The refresh timing applies from the next start.")
				}
				s = next
				result.SetText(msg)
			})
		})
	})
	u.setEnter(d, save.OnTapped)
	return container.NewVBox(
		widget.NewForm(
			widget.NewFormItem(lang.L("Clear copied tokens after"), clear),
			widget.NewFormItem(lang.L("Refresh tokens early by"), margin),
		),
		notify, gateway, managedNote, save, result, newButton(lang.L("Close"), d.Hide),
	)
}
