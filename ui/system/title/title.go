// Package title watches the titles of the desktop's top-level windows, so
// that Tokentray can read the authorization code from Clio's desktop
// approval page in the user's own browser, which it cannot otherwise see.
// It is the OS half: one file per OS, X11 (and XWayland) through
// github.com/jezek/xgb, Windows through user32; elsewhere it is unavailable
// and the user pastes instead. What an approval title looks like, and the
// code in it, is auth's (auth.LooksLikeApprovalTitle, auth.ParseApproval).
package title

import (
	"context"
	"errors"
	"time"

	"github.com/tokentray/tokentray/auth"
)

// ErrUnavailable: window titles cannot be read here (no display, Wayland
// without XWayland, macOS). Not worth a warning: pasting works.
var ErrUnavailable = errors.New("window titles are not readable on this desktop")

// Watcher lists the titles of the top-level windows. Titles may be called
// from one goroutine at a time.
type Watcher interface {
	Titles(ctx context.Context) ([]string, error)
	Close() error
}

// Open connects to the desktop's window system, or returns ErrUnavailable.
func Open() (Watcher, error) { return open() }

// DefaultInterval is how often Feed looks: a few times a second.
const DefaultInterval = 250 * time.Millisecond

// Feed polls w every interval until ctx ends and sends out each new title
// that looks like an approval page's (auth.LooksLikeApprovalTitle:
// "Success code=…", "Failure error=…", whatever browser suffix follows). Titles already up when Feed starts are
// left alone: they belong to an earlier attempt (the title carries no
// state to tell). A title is sent once, even if it stays up. Feed owns no
// goroutine: run it in one and cancel ctx to stop it.
func Feed(ctx context.Context, w Watcher, interval time.Duration, out chan<- string) error {
	if interval <= 0 {
		interval = DefaultInterval
	}
	sent := map[string]bool{}
	before, err := w.Titles(ctx)
	if err != nil {
		return err
	}
	for _, t := range before {
		sent[t] = true
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ticker.C:
		}
		titles, err := w.Titles(ctx)
		if err != nil {
			return err
		}
		for _, t := range titles {
			if !sent[t] && auth.LooksLikeApprovalTitle(t) {
				sent[t] = true
				select {
				case out <- t:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
		}
	}
}
