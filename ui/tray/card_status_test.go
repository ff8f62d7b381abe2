package tray

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// TestStatusLineClearsItself: a message stays on the status line for a
// while, then goes; a later one replaces it, with its own time (the first
// one's running out does not clear it).
func TestStatusLineClearsItself(t *testing.T) {
	f := newFixture(t, Options{})
	line := func() (s string) { f.ui.doAndWait(func() { s = f.ui.status.Text }); return s }
	ended := func() (n int) { f.ui.doAndWait(func() { n = f.ui.line.ended }); return n }
	if f.ui.statusFor() != statusShown || statusShown != 10*time.Second {
		t.Errorf("a message stays %v, want 10 s", f.ui.statusFor())
	}
	f.ui.doAndWait(func() {
		f.ui.line.shown = 50 * time.Millisecond
		f.ui.setStatusLine("Disconnected Work.")
	})
	f.eventually("the message gone", func() bool { return f.ui.status.Text == "" })

	// A message, then another before the first one's time ran out: the
	// first one's end leaves the second in place.
	before := ended()
	f.ui.doAndWait(func() {
		f.ui.setStatusLine("Disconnected Work.")
		f.ui.line.shown = time.Hour
		f.ui.setStatusLine("Disconnected Home.")
	})
	f.eventually("the first message's time to run out", func() bool { return f.ui.line.ended > before })
	if got := line(); got != "Disconnected Home." {
		t.Errorf("after the first message's time, the line says %q, want the second message", got)
	}
	// The next one goes in its own time.
	f.ui.doAndWait(func() {
		f.ui.line.shown = 50 * time.Millisecond
		f.ui.setStatusLine("Preferences saved.")
	})
	f.eventually("the last message gone", func() bool { return f.ui.status.Text == "" })
}

// TestCopyBannerCountsDown: after Copy token, the status line counts down
// with the card, second by second, the same number; once the clipboard is
// cleared it says so, and that goes too.
func TestCopyBannerCountsDown(t *testing.T) {
	f := newFixture(t, Options{ClearAfter: 3 * time.Second})
	f.connect("Work")
	f.eventually("the card", func() bool { return len(f.ui.statuses) == 1 })
	f.ui.doAndWait(func() { f.ui.line.shown = 300 * time.Millisecond })
	card := f.cards()["Work"]
	f.ui.doAndWait(func() { test.Tap(card.copy) })
	banner := regexp.MustCompile(`^Token copied\. It will be cleared from the clipboard in ([0-9]+) seconds?\.$`)
	onCard := regexp.MustCompile(`^Copied · clears in ([0-9]+) s$`)
	var said []int
	f.eventually("the banner counting down to 1", func() bool {
		m := banner.FindStringSubmatch(f.ui.status.Text)
		if m == nil {
			return false
		}
		n, _ := strconv.Atoi(m[1])
		if len(said) == 0 || said[len(said)-1] != n {
			said = append(said, n)
			c := onCard.FindStringSubmatch(f.cardsNow()["Work"].copied.Text)
			if c == nil || c[1] != m[1] {
				t.Errorf("the status line says %d s, the card %q", n, f.cardsNow()["Work"].copied.Text)
			}
		}
		return n == 1
	})
	if len(said) < 3 || said[0] != 3 {
		t.Errorf("the banner said %v seconds, want 3, 2, 1", said)
	}
	f.eventually("the clipboard cleared, and said", func() bool {
		return f.ui.status.Text == "The copied token was cleared from the clipboard." && f.fyneApp.Clipboard().Content() == ""
	})
	f.eventually("the line empty", func() bool { return f.ui.status.Text == "" })
	t.Logf("the banner counted %v", said)

	// The clipboard changed meanwhile: nothing to clear, and the banner
	// goes when its time is up.
	f.ui.doAndWait(func() { test.Tap(card.copy) })
	f.eventually("the banner", func() bool { return banner.MatchString(f.ui.status.Text) })
	f.ui.doAndWait(func() { f.fyneApp.Clipboard().SetContent("the user's own text") })
	f.eventually("the banner gone", func() bool { return f.ui.status.Text == "" })
}
