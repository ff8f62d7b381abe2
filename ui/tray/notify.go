package tray

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/ui/words"
)

// What the keeper reports: the recent-events list and desktop
// notifications, in plain words.

// note records an event in the log and sends a notification for the
// events that call for one. The keeper announces each lasting condition
// (expiring, reconnect needed, sign-in ending) once until it ends, so
// nothing here counts them again.
func (u *UI) note(e keeper.Event) {
	name := e.Account
	for _, s := range u.statuses {
		if s.ID == e.Account {
			name = s.Name
		}
	}
	var line, notify string
	d := map[string]any{"Name": name}
	if e.Err != nil {
		d["Why"] = plainError(e.Err) // in the user's language, as the sentence around it
	}
	switch e.Kind {
	case keeper.EventConnected:
		line, notify = lang.L("{{.Name}} connected.", d), lang.L("Connected {{.Name}}.", d)
	case keeper.EventRefreshed:
		line = lang.L("{{.Name}}: token refreshed.", d)
	case keeper.EventRefreshFailed:
		line = lang.L("{{.Name}}: could not refresh ({{.Why}})", d)
	case keeper.EventExpiringSoon:
		line, notify = lang.L("{{.Name}}: token expiring and cannot be refreshed.", d),
			lang.L("The token of {{.Name}} expires soon and Tokentray cannot refresh it right now. {{.Why}}", d)
	case keeper.EventReconnectNeeded:
		line, notify = lang.L("{{.Name}}: reconnect needed.", d), lang.L("{{.Name}} needs to be reconnected: {{.Why}}", d)
	case keeper.EventRefreshTokenExpiring:
		d["Day"] = words.Day(e.Expiry.Local())
		line, notify = lang.L("{{.Name}}: sign-in expires soon.", d),
			lang.L("{{.Name}}'s sign-in ends on {{.Day}}. Reconnect it before then to keep it working.", d)
	}
	if line == "" {
		return
	}
	u.log = append(u.log, u.opts.Now().Format("15:04")+"  "+line)
	if len(u.log) > keptEvents {
		u.log = u.log[len(u.log)-keptEvents:]
	}
	u.events.Refresh()
	if notify == "" || u.opts.NotificationsOff {
		return
	}
	u.app.SendNotification(fyne.NewNotification("Tokentray", notify))
}

// plainError words an error for a person; never a Go error string alone.
func plainError(err error) string {
	if msg, ok := words.Explain(err); ok { // auth.Explain, in the user's language
		return msg
	}
	return lang.L("Something went wrong. Please try again; if it keeps happening, run “tokentray doctor” in a terminal.")
}
