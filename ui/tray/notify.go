package tray

import (
	"context"
	"errors"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/ui/system"
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
	u.addEvent(line)
	if notify != "" {
		u.notify(notify)
	}
}

// toastTimeout is how long PowerShell may take to show a Windows toast
// (it can take seconds to start on a busy or slow computer).
const toastTimeout = 30 * time.Second

// notify sends a desktop notification, unless the user turned them off
// (run it inside do). On Windows Tokentray sends the toast itself
// (system.Notify, PowerShell), where it sees a failure that Fyne's
// SendNotification would only log; elsewhere Fyne sends it. A failure
// leaves the alert where it already is, in the events list, which says
// once that notifications could not be shown; once PowerShell turned out
// blocked or restricted (Constrained Language Mode), it is not tried again.
func (u *UI) notify(body string) {
	if u.opts.NotificationsOff {
		return
	}
	t := toasts
	if t.send == nil {
		u.app.SendNotification(fyne.NewNotification("Tokentray", body))
		return
	}
	if t.off.Load() {
		return
	}
	u.goOwned(func() {
		t.sending.Lock() // one PowerShell at a time, in order
		defer t.sending.Unlock()
		if t.off.Load() || u.ctx.Err() != nil {
			return
		}
		ctx, cancel := context.WithTimeout(u.ctx, toastTimeout)
		err := t.send(ctx, "Tokentray", body)
		cancel()
		if err == nil || u.ctx.Err() != nil { // cut short by quitting: not a failure
			return
		}
		if t.failed(err) {
			u.do(func() {
				u.addEvent(lang.L("Windows could not show a notification, so Tokentray lists every alert here. “tokentray doctor” says why."))
			})
		}
	})
}

// toaster sends the app's Windows toasts. One for the process: whether
// PowerShell can show them is the computer's matter, not a window's.
type toaster struct {
	// send shows a toast (system.Notify); nil: Fyne's SendNotification.
	send func(ctx context.Context, title, body string) error
	// sending is held while a toast is sent, and while its failure is
	// taken in (failedBefore).
	sending      sync.Mutex
	failedBefore bool
	// off: PowerShell is blocked or restricted; no toast is tried again.
	off atomic.Bool
}

var toasts = newToaster()

func newToaster() *toaster {
	t := &toaster{}
	if runtime.GOOS == "windows" {
		t.send = system.Notify
	}
	return t
}

// failed takes in a toast's failure (under sending): logged the first
// time, and when it is the lasting kind (that stops the toasts). It
// reports whether it is the first, for the events list to say it.
func (t *toaster) failed(err error) (first bool) {
	first = !t.failedBefore
	t.failedBefore = true
	blocked := errors.Is(err, system.ErrNotificationsBlocked)
	if blocked {
		t.off.Store(true)
	}
	switch {
	case blocked:
		slog.Warn("Windows notifications cannot be shown here; they stay in the window's events list (no more tries)", "err", err)
	case first:
		slog.Warn("a Windows notification could not be shown; it stays in the window's events list", "err", err)
	}
	return first
}

// plainError words an error for a person; never a Go error string alone.
func plainError(err error) string {
	if msg, ok := words.Explain(err); ok { // auth.Explain, in the user's language
		return msg
	}
	return lang.L("Something went wrong. Please try again; if it keeps happening, run “tokentray doctor” in a terminal.")
}
