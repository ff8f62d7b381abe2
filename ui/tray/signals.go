package tray

import (
	"os"
	"os/signal"
	"syscall"
)

// takeSignals makes the session's end (SIGTERM) and Ctrl+C in a terminal
// (SIGINT) quit as the tray's Quit does. Fyne's own handler would stop
// the app first, and with it its windows and the clipboard: the copied
// token could not be cleared any more (a clipboard manager keeps what the
// app held as it went), nor the place kept. So Fyne's handler is taken
// off (signal.Reset) and this one put in its place, until the UI closes.
// Call it once the app runs (Lifecycle().SetOnStarted), when Fyne's
// handler is set.
func (u *UI) takeSignals() {
	signal.Reset(os.Interrupt, syscall.SIGTERM)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	u.goOwned(func() {
		defer signal.Stop(sigs)
		select {
		case <-sigs:
			u.do(u.quit)
		case <-u.ctx.Done():
		}
	})
}
