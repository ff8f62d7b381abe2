package tray

import (
	"fmt"
	"time"
)

// Copying a token to the clipboard, and clearing it afterwards.

// Copy puts a fresh token (or an Authorization header) on the clipboard,
// through the keeper's EnsureFresh, and clears it after ClearAfter if the
// clipboard still holds it.
func (u *UI) Copy(id string, header bool) {
	u.setStatusLine("Getting a fresh token…")
	u.goOwned(func() {
		tok, err := u.be.EnsureFresh(u.ctx, id, time.Minute)
		u.do(func() {
			if err != nil {
				u.setStatusLine("Could not copy the token. " + plainError(err))
				return
			}
			text := tok.AccessToken
			if header {
				text = "Authorization: Bearer " + text
			}
			u.app.Clipboard().SetContent(text)
			u.lastCopy = text
			what := "Token"
			if header {
				what = "Authorization header"
			}
			if u.opts.ClearAfter < 0 {
				u.setStatusLine(what + " copied.")
				return
			}
			u.setStatusLine(fmt.Sprintf("%s copied. It will be cleared from the clipboard in %s.", what, humanSeconds(u.opts.ClearAfter)))
			u.clearLater(text)
		})
	})
}

func humanSeconds(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%d seconds", int(d.Seconds()))
	}
	return humanDuration(d)
}

// clearLater empties the clipboard after ClearAfter if it still holds text.
func (u *UI) clearLater(text string) {
	u.goOwned(func() {
		t := time.NewTimer(u.opts.ClearAfter)
		defer t.Stop()
		select {
		case <-u.ctx.Done():
		case <-t.C:
			u.do(func() {
				if u.app.Clipboard().Content() == text {
					u.app.Clipboard().SetContent("")
					u.setStatusLine("The copied token was cleared from the clipboard.")
				}
				if u.lastCopy == text {
					u.lastCopy = ""
				}
			})
		}
	})
}
