package tray

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/ui/accounts"
)

// TestEventsKeptAcrossRestart: the recent events are no longer lost at
// every restart. A connect and a disconnect (confirmed in the window) are
// in the list, with their times; after the app quits, a new UI on the same
// accounts (the next start) shows the same lines, oldest first, and new
// events follow them. Lines from another day say their day.
func TestEventsKeptAcrossRestart(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.connect("Work")
	f.connect("Home")
	f.eventually("the connects in the events", func() bool { return f.lines("Work connected.") == 1 && f.lines("Home connected.") == 1 })

	f.ui.doAndWait(func() { f.ui.ConfirmDisconnect(id, "Work") })
	f.eventually("the confirmation", func() bool { return findDialogButton(t, f.ui.win.Canvas(), "Disconnect") != nil })
	f.ui.doAndWait(func() { test.Tap(findDialogButton(t, f.ui.win.Canvas(), "Disconnect")) })
	f.eventually("the disconnect in the events", func() bool { return f.lines("Work disconnected.") == 1 })

	var before []string
	f.ui.doAndWait(func() { before = append(before, f.ui.log...) })
	f.ui.Close() // quitting: the lines are written before it returns

	kept, err := f.app.Events()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range kept {
		if e.At.IsZero() || strings.Contains(e.Text, "  ") {
			t.Errorf("kept event %+v: want its time and its words alone", e)
		}
	}

	// The next start, on the same accounts.
	u := New(f.fyneApp, f.app, &recordingTray{}, Options{})
	u.Start()
	t.Cleanup(u.Close)
	u.loadEvents() // Start's first step (ui.go), until it is there: a second call changes nothing
	var after []string
	u.doAndWait(func() { after = append(after, u.log...) })
	if strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Fatalf("after a restart the events list is:\n%s\nwant as before:\n%s", strings.Join(after, "\n"), strings.Join(before, "\n"))
	}
	for _, want := range []string{"Work connected.", "Home connected.", "Work disconnected."} {
		if !strings.Contains(strings.Join(after, "\n"), want) {
			t.Errorf("after a restart the events list lacks %q", want)
		}
	}
	u.doAndWait(func() { u.addEvent("A new one.") })
	u.doAndWait(func() {
		if len(u.log) != len(before)+1 || !strings.HasSuffix(u.log[len(u.log)-1], "  A new one.") {
			t.Errorf("a new event after the kept ones: %q", u.log)
		}
	})
}

// TestEventLines: an event of today shows its time; one of another day its
// day too. A disconnect that removed the account is an event, whether or
// not the provider could be told; one that did not is none. A sign-in the
// user declined is an event; a cancelled or failed one is the dialog's.
func TestEventLines(t *testing.T) {
	useWords()
	now := time.Date(2026, 3, 4, 16, 20, 0, 0, time.UTC)
	if got := eventLine(now.Add(-time.Hour), now, "Work connected."); got != "15:20  Work connected." {
		t.Errorf("today: %q", got)
	}
	if got := eventLine(now.Add(-24*time.Hour), now, "Work connected."); got != "Tue 3 Mar 16:20  Work connected." {
		t.Errorf("yesterday: %q", got)
	}
	if got := disconnectedEvent("Work", nil); got != "Work disconnected." {
		t.Errorf("disconnected: %q", got)
	}
	re := &accounts.RevokeError{Disconnected: accounts.Disconnected{Account: "Work", Provider: "Clio"}, Err: errors.New("offline")}
	if got := disconnectedEvent("Work", re); got != "Work removed from this computer; Clio could not be told to end its access." {
		t.Errorf("removed, the provider not told: %q", got)
	}
	if got := disconnectedEvent("Work", errors.New("keyring locked")); got != "" {
		t.Errorf("not disconnected: %q, want no event", got)
	}
	if got := signInEndedEvent("Clio", auth.ErrDeclined); got != "Clio: you declined the sign-in in the browser, so nothing changed." {
		t.Errorf("declined: %q", got)
	}
	for _, err := range []error{nil, &auth.Error{Kind: auth.KindCanceled}, errors.New("network")} {
		if got := signInEndedEvent("Clio", err); got != "" {
			t.Errorf("%v: %q, want no event", err, got)
		}
	}
}

// TestRecentEventsKeepTheWindowsSize: the recent events are a list of fixed
// height, newest first: sixty events later the window's content asks for
// no more room than with none, and the first line is the latest event.
func TestRecentEventsKeepTheWindowsSize(t *testing.T) {
	f := newFixture(t, Options{})
	var before fyne.Size
	f.ui.doAndWait(func() { before = f.ui.win.Content().MinSize() })
	f.ui.doAndWait(func() {
		for i := range 60 {
			f.ui.note(keeper.Event{Account: fmt.Sprint("acct-", i), Kind: keeper.EventRefreshed})
		}
	})
	f.ui.doAndWait(func() {
		if after := f.ui.win.Content().MinSize(); after.Height != before.Height {
			t.Errorf("the window's content grew from %v to %v with the events", before, after)
		}
		if n := f.ui.events.Length(); n != keptEvents {
			t.Errorf("%d events kept, want %d", n, keptEvents)
		}
		first := findIn(t, f.ui.events, func(l *widget.Label) bool { return l.Text != "" })
		if first == nil || !strings.Contains(first.Text, "acct-59: token refreshed.") {
			t.Errorf("the first line is not the newest event: %v", first)
		}
	})
}
