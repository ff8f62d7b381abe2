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
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/ui/accounts"
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
	if notify == "" {
		return
	}
	kind := routineNotice
	if e.Kind == keeper.EventReconnectNeeded {
		kind = lastingNotice // nothing works until the user acts: it waits for them
	}
	u.notifyFor(notify, kind)
}

// noticeKind is how long a notification stays on the screen, where the
// desktop lets the app choose (Linux: the notification service's expiry).
type noticeKind int

const (
	// routineNotice says what happened (connected, a port moved): it goes
	// after routineShown, and stays in the events list.
	routineNotice noticeKind = iota
	// briefNotice confirms what the user just did (a copy from the tray).
	briefNotice
	// lastingNotice asks the user to act (reconnect): it stays until
	// dismissed.
	lastingNotice
)

// How long routine and brief notifications stay on the screen.
const (
	routineShown = 10 * time.Second
	briefShown   = 6 * time.Second
)

// expire is how long a notification of kind k stays on the screen.
func (k noticeKind) expire() time.Duration {
	switch k {
	case lastingNotice:
		return system.ExpireNever
	case briefNotice:
		return briefShown
	}
	return routineShown
}

// toastTimeout is how long PowerShell may take to show a Windows toast
// (it can take seconds to start on a busy or slow computer).
const toastTimeout = 30 * time.Second

// notify sends a routine desktop notification (run it inside do).
func (u *UI) notify(body string) { u.notifyFor(body, routineNotice) }

// notifyFor sends a desktop notification of kind k, unless the user turned
// them off (run it inside do). On Windows Tokentray sends the toast itself
// (system.Notify, PowerShell), where it sees a failure that Fyne's
// SendNotification would only log; elsewhere Fyne sends it. A failure
// leaves the alert where it already is, in the events list, which says
// once that notifications could not be shown; once PowerShell turned out
// blocked or restricted (Constrained Language Mode), it is not tried again.
// On Linux and the BSDs Tokentray sends it itself too (desktopNotify), to
// say how long it stays: Fyne asks every one to stay until dismissed.
func (u *UI) notifyFor(body string, k noticeKind) {
	if u.opts.NotificationsOff {
		return
	}
	t := toasts
	if t.send == nil {
		if ownNotifications(u.fyneApp) {
			u.desktopNotify(body, k)
			return
		}
		u.fyneApp.SendNotification(fyne.NewNotification("Tokentray", body))
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

// ownNotifications says whether the app sends its notifications to the
// freedesktop notification service itself: with Fyne's desktop driver on
// Linux and the BSDs (a test's app keeps Fyne's SendNotification, which
// tests count). Tests set it to send theirs to a fake service.
var ownNotifications = func(a fyne.App) bool {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd":
		_, desk := a.(desktop.App)
		return desk
	}
	return false
}

// notifyTimeout bounds sending a notification to the session bus's
// service.
const notifyTimeout = 10 * time.Second

// desktopNotes sends the app's notifications to the freedesktop service,
// one at a time and in order; its first failure is logged (the alert is in
// the events list already, and the service may come later).
var desktopNotes struct {
	sending      sync.Mutex
	failedBefore bool
}

// desktopNotify sends body through the session bus's notification service
// (org.freedesktop.Notifications), as "Tokentray", with the app's icon and
// how long it stays on the screen for k.
func (u *UI) desktopNotify(body string, k noticeKind) {
	n := system.DesktopNotification{AppName: "Tokentray", Title: "Tokentray", Body: body,
		IconName: AppID, Icon: Icon.Content(), Expire: k.expire()}
	u.goOwned(func() {
		desktopNotes.sending.Lock()
		defer desktopNotes.sending.Unlock()
		if u.ctx.Err() != nil {
			return
		}
		ctx, cancel := context.WithTimeout(u.ctx, notifyTimeout)
		_, err := system.SendDesktopNotification(ctx, n)
		cancel()
		if err != nil && u.ctx.Err() == nil && !desktopNotes.failedBefore {
			desktopNotes.failedBefore = true
			slog.Warn("a desktop notification could not be shown; it stays in the window's events list", "err", err)
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
	if msg, ok := words.Explain(err); ok { // in the user's language
		return msg
	}
	return lang.L("Something went wrong. Please try again; if it keeps happening, run “tokentray doctor” in a terminal.")
}

// The recent events are kept across restarts (accounts.Events): each line
// added (addEvent) is written in the background; the lines of earlier runs
// are put in the list at start (loadEvents).

// keepEvent writes an event to the kept events, in the background (run it
// inside do); a failure is logged once: the line is in the window anyway.
func (u *UI) keepEvent(e accounts.Event) {
	u.goOwned(func() {
		if err := u.app.AddEvent(e); err != nil && !keptFailed.Swap(true) {
			slog.Warn("the recent events could not be kept for the next start", "err", err)
		}
	})
}

var keptFailed atomic.Bool

// loadEvents puts the events kept from earlier runs in the list, oldest
// first, before the new ones: Start calls it first thing. It reads them at
// once (a small file, as Start reads the statuses), and only into an empty
// list: a second call changes nothing.
func (u *UI) loadEvents() {
	kept, err := u.app.Events()
	if err != nil {
		slog.Warn("the recent events of the last run could not be read", "err", err)
		return
	}
	u.do(func() {
		if len(u.log) > 0 || len(kept) == 0 {
			return
		}
		now := u.opts.Now()
		for _, e := range kept {
			u.log = append(u.log, eventLine(e.At, now, e.Text))
		}
		if len(u.log) > keptEvents {
			u.log = u.log[len(u.log)-keptEvents:]
		}
		u.events.Refresh()
	})
}

// eventLine is an event's line in the list: its time (and its day, if not
// today), then what happened.
func eventLine(at, now time.Time, text string) string {
	at = at.In(now.Location())
	if y, m, d := at.Date(); y != now.Year() || m != now.Month() || d != now.Day() {
		return words.Day(at) + " " + at.Format("15:04") + "  " + text
	}
	return at.Format("15:04") + "  " + text
}

// disconnectedEvent is the events list's line for a disconnect that ended
// (ConfirmDisconnect): the account is gone from this computer, whether or
// not the provider could be told; none ("") when it is still here.
func disconnectedEvent(name string, err error) string {
	d := map[string]any{"Name": name}
	var re *accounts.RevokeError
	switch {
	case err == nil:
		return lang.L("{{.Name}} disconnected.", d)
	case errors.As(err, &re):
		d["Provider"] = re.Provider
		return lang.L("{{.Name}} removed from this computer; {{.Provider}} could not be told to end its access.", d)
	}
	return ""
}

// signInEndedEvent is the events list's line for a sign-in (connect or
// reconnect) that the user declined in the browser, at the provider named
// provider; none ("") for any other ending (the connect dialog says those).
func signInEndedEvent(provider string, err error) string {
	if auth.KindOf(err) != auth.KindDeclined {
		return ""
	}
	return lang.L("{{.Provider}}: you declined the sign-in in the browser, so nothing changed.", map[string]any{"Provider": provider})
}
