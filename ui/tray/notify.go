package tray

import (
	"fyne.io/fyne/v2"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/keeper"
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
	switch e.Kind {
	case keeper.EventConnected:
		line, notify = name+" connected.", "Connected "+name+"."
	case keeper.EventRefreshed:
		line = name + ": token refreshed."
	case keeper.EventRefreshFailed:
		line = name + ": could not refresh (" + auth.Message(e.Err) + ")"
	case keeper.EventExpiringSoon:
		line, notify = name+": token expiring and cannot be refreshed.",
			"The token of "+name+" expires soon and Tokentray cannot refresh it right now. "+auth.Message(e.Err)
	case keeper.EventReconnectNeeded:
		line, notify = name+": reconnect needed.", name+" needs to be reconnected: "+auth.Message(e.Err)
	case keeper.EventRefreshTokenExpiring:
		line, notify = name+": sign-in expires soon.",
			name+"'s sign-in ends on "+e.Expiry.Local().Format("Mon 2 Jan")+". Reconnect it before then to keep it working."
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
	if msg, ok := auth.Explain(err); ok {
		return msg
	}
	return "Something went wrong. Please try again; if it keeps happening, run “tokentray doctor” in a terminal."
}
