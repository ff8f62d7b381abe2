package tray

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/ui/system"
)

// fakeToasts makes the UI send its notifications as on Windows, itself,
// through send (system.Notify there), until the test ends.
func fakeToasts(t *testing.T, send func(ctx context.Context, title, body string) error) {
	t.Helper()
	old := toasts
	toasts = &toaster{send: send}
	t.Cleanup(func() { toasts = old })
}

// toastCalls is a send that reports each toast's text on the channel and
// returns err.
func toastCalls(err error) (chan string, func(context.Context, string, string) error) {
	calls := make(chan string, 10)
	return calls, func(_ context.Context, _, body string) error {
		calls <- body
		return err
	}
}

// next is the next toast sent; waiting for it has a guard against a test
// that would hang, which fails.
func next(t *testing.T, calls chan string) string {
	t.Helper()
	select {
	case body := <-calls:
		return body
	case <-time.After(15 * time.Second):
		t.Fatal("no toast was sent (15 s)")
		return ""
	}
}

// lines counts the events list's lines that contain s (inside do).
func (f *fixture) lines(s string) int {
	n := 0
	for _, l := range f.ui.log {
		if strings.Contains(l, s) {
			n++
		}
	}
	return n
}

const toastFallback = "Windows could not show a notification"

// TestToastBlocked: on a Windows where PowerShell is blocked or in
// Constrained Language Mode the first toast fails; the alert is in the
// events list, which says once that notifications cannot be shown, and
// PowerShell is not tried again for the next alerts. Fyne's
// SendNotification (the same PowerShell, failing unseen) is not used.
func TestToastBlocked(t *testing.T) {
	calls, send := toastCalls(fmt.Errorf("show a notification: %w", system.ErrNotificationsBlocked))
	fakeToasts(t, send)
	f := newFixture(t, Options{})
	f.connect("First")
	if body := next(t, calls); body != "Connected First." {
		t.Errorf("the toast says %q", body)
	}
	f.eventually("the alert and the line saying notifications are not shown", func() bool {
		return f.lines("First connected.") == 1 && f.lines(toastFallback) == 1
	})
	// The failure is remembered before the line is added: from now on
	// notify decides at once, where it adds an alert's line, to start no
	// PowerShell.
	if !toasts.off.Load() {
		t.Fatal("a blocked PowerShell was not remembered: the next alert would try it again")
	}
	f.connect("Second")
	f.eventually("the second alert in the events list", func() bool { return f.lines("Second connected.") == 1 })
	if len(calls) != 0 {
		t.Errorf("PowerShell was tried again after it was found blocked: %q", <-calls)
	}
	f.ui.doAndWait(func() {
		if n := f.lines(toastFallback); n != 1 {
			t.Errorf("the events list says %d times that notifications are not shown, want once:\n%s", n, strings.Join(f.ui.log, "\n"))
		}
	})
	if f.fyneApp.count("") != 0 {
		t.Errorf("Fyne's SendNotification was used %d times", f.fyneApp.count(""))
	}
}

// TestToastFailsNowAndThen: a toast that fails otherwise (PowerShell
// started, the toast did not show, or it took too long) is said once in
// the events list, and the next alerts are tried again.
func TestToastFailsNowAndThen(t *testing.T) {
	calls, send := toastCalls(errors.New("show a notification: the toast could not be shown"))
	fakeToasts(t, send)
	f := newFixture(t, Options{})
	for _, name := range []string{"First", "Second", "Third"} {
		f.connect(name)
		if body := next(t, calls); body != "Connected "+name+"." {
			t.Errorf("the toast says %q, want the one for %s", body, name)
		}
	}
	// Toasts are sent one at a time: the third was sent once the second's
	// failure was taken in.
	f.ui.doAndWait(func() {
		if n := f.lines(toastFallback); n != 1 {
			t.Errorf("the events list says %d times that notifications are not shown, want once:\n%s", n, strings.Join(f.ui.log, "\n"))
		}
		if n := f.lines(" connected."); n != 3 {
			t.Errorf("%d alerts in the events list, want 3:\n%s", n, strings.Join(f.ui.log, "\n"))
		}
	})
}
