package tray

import (
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/tokentray/tokentray/ui/accounts"
)

// applyManaged follows the firm's managed settings (ui/policy): read again
// when reread (the window opened), they set starting at login, the
// clipboard and notification preferences in force, the "Managed by" line,
// and each value that could not be used is said once in the events list.
func (u *UI) applyManaged(reread bool) {
	u.goOwned(func() {
		changed := reread && u.app.ReloadPolicy()
		pol := u.app.Policy()
		if as := u.opts.Autostart; as != nil {
			// Mandatory: always; recommended: at the first start only.
			if want, set, mandatory := u.app.StartAtLogin(); set && (mandatory || u.app.FirstStartAtLogin(u.ctx)) {
				if on, err := as.Enabled(); err == nil && on != want {
					if err := as.Set(want); err != nil {
						u.do(func() {
							u.setStatusLine(lang.L("Could not change starting at login: {{.Reason}}", map[string]any{"Reason": plainError(err)}))
						})
					}
				}
			}
		}
		s, serr := u.app.Settings()
		lock := u.app.SettingsLock()
		var problems []string
		for _, pr := range pol.Problems {
			problems = append(problems, pr.Message())
		}
		u.do(func() {
			// What the policy fixes now applies to the running app (the
			// rest is the user's, set at start and by Preferences).
			if most := time.Duration(lock.ClipboardMost) * time.Second; most > 0 && (u.opts.ClearAfter < 0 || u.opts.ClearAfter > most) {
				u.opts.ClearAfter = most
			}
			if serr == nil && lock.Notifications {
				u.opts.NotificationsOff = s.NotificationsOff
			}
			if changed {
				// The start screen's providers are the ones offered now.
				u.empty.Objects = u.emptyState().Objects
				u.empty.Refresh()
				u.refreshSetUp()
			}
			if pol.Managed() {
				u.managed.SetText(lang.L("Managed by {{.By}}", map[string]any{"By": accounts.ManagedBy(pol)}))
				u.managed.Show()
			} else {
				u.managed.Hide()
			}
			if u.said == nil {
				u.said = map[string]bool{}
			}
			for _, msg := range problems {
				if !u.said[msg] {
					u.said[msg] = true
					u.addEvent(lang.L("Managed settings: {{.Problem}}", map[string]any{"Problem": msg}))
				}
			}
		})
	})
}

// addEvent adds a line to the recent events, newest kept (inside do), and
// keeps it for the next start (keepEvent); an empty line adds nothing.
func (u *UI) addEvent(line string) {
	if line == "" {
		return
	}
	now := u.opts.Now()
	u.log = append(u.log, eventLine(now, now, line))
	if len(u.log) > keptEvents {
		u.log = u.log[len(u.log)-keptEvents:]
	}
	u.events.Refresh()
	u.keepEvent(accounts.Event{At: now, Text: line})
}
