package tray

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
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
// Save saves and closes (the window's status line says it is saved); Close
// or Escape with changes not saved asks before dropping them.
func (u *UI) ShowPreferences() {
	u.loadingDialog(lang.L("Preferences"), fyne.NewSize(560, 360), func(d *formDialog) (func() fyne.CanvasObject, error) {
		s, err := u.app.Settings()
		return func() fyne.CanvasObject { return u.preferencesForm(s, d) }, err
	})
}

func (u *UI) preferencesForm(s accounts.Settings, d *formDialog) fyne.CanvasObject {
	clearChoices, marginChoices := clearChoices(), marginChoices()
	lock := u.app.SettingsLock()
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
	result := newResultLabel()
	// chosen is the settings as the form shows them.
	chosen := func() accounts.Settings {
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
		return next
	}
	changed := func() bool {
		next := chosen()
		return next.ClearClipboardSeconds != s.ClearClipboardSeconds || next.RefreshMarginMinutes != s.RefreshMarginMinutes ||
			next.NotificationsOff != s.NotificationsOff || next.Gateway.On != s.Gateway.On
	}
	var save *keyButton
	save = newButton(lang.L("Save"), func() {
		next := chosen()
		save.Disable() // once
		result.SetText(lang.L("Saving…"))
		u.goOwned(func() {
			err := u.app.SaveSettings(u.ctx, next)
			if err == nil && next.Gateway.On {
				_, err = u.app.GatewayKey(u.ctx) // made now, so that it can be copied at once
			}
			u.wakeGateway()
			u.do(func() {
				save.Enable()
				if err != nil {
					result.SetText(lang.L("Could not save. {{.Why}}", map[string]any{"Why": plainError(err)}))
					return
				}
				u.opts.ClearAfter, u.opts.NotificationsOff = next.ClearAfter(), next.NotificationsOff
				msg := lang.L("Preferences saved.")
				if next.RefreshMarginMinutes != s.RefreshMarginMinutes {
					msg = lang.L("Preferences saved. The refresh timing applies from the next start.")
				}
				s = next
				d.close()
				u.setStatusLine(msg)
			})
		})
	})
	save.Importance = widget.HighImportance
	u.setEnter(d, func() {
		if !save.Disabled() {
			save.OnTapped()
		}
	})
	// Close (the button, Escape) drops nothing without asking.
	d.onClose = func() {
		if !changed() {
			d.close()
			return
		}
		u.askDiscard(d.close)
	}
	form := container.NewVBox(
		widget.NewForm(
			widget.NewFormItem(lang.L("Clear copied tokens after"), clear),
			widget.NewFormItem(lang.L("Refresh tokens early by"), margin),
		),
		notify, gateway, managedNote,
	)
	return formLayout(form, result, newButton(lang.L("Close"), d.Hide), save)
}

// askDiscard asks whether to drop the changes not saved: Discard runs
// discard; Keep editing (also Escape and Enter, the safe answer) goes back
// to the form.
func (u *UI) askDiscard(discard func()) {
	text := widget.NewLabel(lang.L("The changes you made are not saved."))
	text.Wrapping = fyne.TextWrapWord
	var ask dialog.Dialog
	drop := newButton(lang.L("Discard"), func() {
		ask.Hide()
		discard()
	})
	keep := newButton(lang.L("Keep editing"), func() { ask.Hide() })
	keep.Importance = widget.HighImportance
	ask = dialog.NewCustomWithoutButtons(lang.L("Discard your changes?"),
		container.NewVBox(text, container.NewHBox(layout.NewSpacer(), drop, keep)), u.win)
	u.trackDialog(ask, keep.OnTapped)
	ask.Resize(fyne.NewSize(400, 0))
	ask.Show()
}
