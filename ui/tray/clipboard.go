package tray

import (
	"time"

	"fyne.io/fyne/v2/lang"
)

// Copying a token to the clipboard, and clearing it afterwards.

// copiedCard is the card that shows the copy's confirmation, and until
// when (zero: the clipboard is not cleared).
type copiedCard struct {
	id     string
	header bool
	until  time.Time
	seq    int // which copy: a later copy takes the card over
}

// copiedShown is how long "Copied" stays on a card when the clipboard is
// never cleared.
const copiedShown = 5 * time.Second

// Copy puts a fresh token (or an Authorization header) on the clipboard,
// through the keeper's EnsureFresh, and clears it after ClearAfter if the
// clipboard still holds it. The card says "Copied · clears in 30 s",
// counting down.
func (u *UI) Copy(id string, header bool) { u.copyThen(id, header, nil) }

// copyThen is Copy, then copied (when not nil, inside do) once the token
// is on the clipboard; not after a failure, which the status line says.
func (u *UI) copyThen(id string, header bool, copied func()) {
	u.setStatusLine(lang.L("Getting a fresh token…"))
	u.goOwned(func() {
		tok, err := u.app.EnsureFresh(u.ctx, id, time.Minute)
		u.do(func() {
			if err != nil {
				u.setStatusLine(lang.L("Could not copy the token. {{.Reason}}", map[string]any{"Reason": plainError(err)}))
				return
			}
			text := tok.AccessToken
			if header {
				text = "Authorization: Bearer " + text
			}
			u.fyneApp.Clipboard().SetContent(text)
			u.lastCopy = text
			u.clipSeq++
			c := copiedCard{id: id, header: header, seq: u.copied.seq + 1}
			shown := copiedShown
			switch {
			case u.opts.ClearAfter < 0 && header:
				u.setStatusLine(lang.L("Authorization header copied."))
			case u.opts.ClearAfter < 0:
				u.setStatusLine(lang.L("Token copied."))
			default:
				c.until, shown = time.Now().Add(u.opts.ClearAfter), u.opts.ClearAfter
				u.sayCopied(c)
			}
			u.copied = c
			u.refreshCards()
			u.countDown(c.seq, shown)
			if u.opts.ClearAfter >= 0 {
				u.clearLater(text, u.clipSeq)
			}
			if copied != nil {
				copied()
			}
		})
	})
}

// sayCopied says on the status line that c was copied and when it will be
// cleared, counting down with the card (countDown), until it is.
func (u *UI) sayCopied(c copiedCard) {
	words := func() string {
		left := time.Until(c.until)
		if left < 0 {
			left = 0
		}
		// In whole seconds, rounded up, as the card counts (copiedWords).
		when := map[string]any{"When": humanSeconds((left + time.Second - 1).Truncate(time.Second))}
		if c.header {
			return lang.L("Authorization header copied. It will be cleared from the clipboard in {{.When}}.", when)
		}
		return lang.L("Token copied. It will be cleared from the clipboard in {{.When}}.", when)
	}
	u.sayFor(words(), words, time.Until(c.until))
}

// statusShown is how long a message stays on the status line.
const statusShown = 10 * time.Second

// statusLine is what the window's status line says: one message, current,
// then gone (setStatusLine).
type statusLine struct {
	seq   int           // which message: a later one takes the line over, and its time
	shown time.Duration // how long a message stays; 0: statusShown (tests shorten it)
	words func() string // the message as it reads now (the copy's countdown); nil: as said
	ended int           // messages whose time ran out, replaced or not (for tests)
}

// sayFor puts text on the status line for shown, then clears it, unless a
// later message took the line over; words, if not nil, says it anew at
// each tick of the copy's countdown. Empty text clears the line now.
func (u *UI) sayFor(text string, words func() string, shown time.Duration) {
	u.line.seq++
	u.line.words = words
	u.status.SetText(text)
	if text == "" {
		return
	}
	seq := u.line.seq
	u.goOwned(func() {
		t := time.NewTimer(shown)
		defer t.Stop()
		select {
		case <-u.ctx.Done():
		case <-t.C:
			u.do(func() {
				u.line.ended++
				if u.line.seq == seq {
					u.line.words = nil
					u.status.SetText("")
				}
			})
		}
	})
}

// statusFor is how long a message stays on the status line.
func (u *UI) statusFor() time.Duration {
	if u.line.shown > 0 {
		return u.line.shown
	}
	return statusShown
}

// sayAgain says the status line's counting message as it reads now.
func (u *UI) sayAgain() {
	if u.line.words != nil {
		u.status.SetText(u.line.words())
	}
}

// humanSeconds says a time to wait: "30 seconds", "1 second", "2 min".
func humanSeconds(d time.Duration) string {
	if d >= time.Second && d < 2*time.Second {
		return lang.L("1 second")
	}
	if d < time.Minute {
		return lang.L("{{.N}} seconds", map[string]any{"N": int(d.Seconds())})
	}
	return humanDuration(d)
}

// countDown redraws the copied card once a second while it shows the
// confirmation, and takes the confirmation away after shown; a later copy
// (another seq) takes the card over. It never waits on Fyne's goroutine,
// which may have stopped.
func (u *UI) countDown(seq int, shown time.Duration) {
	u.goOwned(func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		end := time.NewTimer(shown)
		defer end.Stop()
		for {
			select {
			case <-u.ctx.Done():
				return
			case <-tick.C:
				u.do(func() {
					if u.copied.seq == seq {
						u.refreshCards()
						u.sayAgain()
					}
				})
			case <-end.C:
				u.do(func() {
					if u.copied.seq == seq {
						u.copied = copiedCard{seq: seq}
						u.refreshCards()
					}
				})
				return
			}
		}
	})
}

// refreshCards redraws the cards (the copied confirmation changed).
func (u *UI) refreshCards() {
	if u.list != nil {
		u.listSig = ""
		u.list.Refresh()
	}
}

// clearLater empties the clipboard after ClearAfter if it still holds text
// and no copy came since (the same token copied again counts anew).
func (u *UI) clearLater(text string, seq int) {
	u.goOwned(func() {
		t := time.NewTimer(u.opts.ClearAfter)
		defer t.Stop()
		select {
		case <-u.ctx.Done():
		case <-t.C:
			u.do(func() {
				if u.clipSeq != seq {
					return // a later copy has its own time
				}
				if u.fyneApp.Clipboard().Content() == text {
					u.fyneApp.Clipboard().SetContent("")
					u.setStatusLine(lang.L("The copied token was cleared from the clipboard."))
				}
				if u.lastCopy == text {
					u.lastCopy = ""
				}
			})
		}
	})
}

// copySelected copies the token of the account selected in the window
// (Ctrl+C), or of the only one.
func (u *UI) copySelected() {
	id := u.selected
	if id == "" && len(u.statuses) == 1 {
		id = u.statuses[0].ID
	}
	if id == "" {
		u.setStatusLine(lang.L("Choose an account first (click it, or use the arrow keys and Space), then press Ctrl+C."))
		return
	}
	u.Copy(id, false)
}

// clearCopied clears the clipboard if it still holds a token Copy put
// there. Run it on Fyne's goroutine.
func (u *UI) clearCopied() {
	if u.lastCopy != "" && u.fyneApp.Clipboard().Content() == u.lastCopy {
		u.fyneApp.Clipboard().SetContent("")
	}
	u.lastCopy = ""
}
