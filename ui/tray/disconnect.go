package tray

import (
	"errors"

	"fyne.io/fyne/v2/lang"

	"github.com/tokentray/tokentray/ui/accounts"
)

// Disconnecting and reconnecting an account.

// ConfirmDisconnect asks, then disconnects: revoking at the provider where
// it can, then deleting the local secrets.
func (u *UI) ConfirmDisconnect(id, name string) {
	who := map[string]any{"Name": name}
	u.confirm(lang.L("Disconnect {{.Name}}?", who),
		lang.L("Tokentray will tell the provider to revoke access, then forget this account's tokens. "+
			"Scripts using its token will stop working."),
		lang.L("Disconnect"),
		func() {
			u.setStatusLine(lang.L("Disconnecting {{.Name}}…", who))
			u.goOwned(func() {
				done, err := u.app.Disconnect(u.ctx, id, false)
				u.do(func() {
					var re *accounts.RevokeError
					switch {
					case err == nil:
						u.setStatusLine(done.Message())
					case errors.As(err, &re):
						u.setStatusLine(re.Message())
					default:
						u.setStatusLine(lang.L("Could not disconnect {{.Name}}. {{.Why}}", map[string]any{"Name": name, "Why": plainError(err)}))
					}
					u.addEvent(disconnectedEvent(name, err))
				})
				u.reload()
			})
		})
}

// Reconnect runs the connect flow again for an account, keeping the account.
func (u *UI) Reconnect(id string) {
	for _, s := range u.statuses {
		if s.ID == id {
			u.showReconnect(s)
			return
		}
	}
}
