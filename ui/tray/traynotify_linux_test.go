package tray

import (
	"context"
	"errors"
	"github.com/tokentray/tokentray/store/storetest"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"github.com/godbus/dbus/v5"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/system"
)

// fakeNotifications is a freedesktop notification service
// (org.freedesktop.Notifications) on the test's private session bus: it
// records each notification, with how long it was asked to stay.
type fakeNotifications struct {
	mu   sync.Mutex
	got  []sentNote
	sent chan sentNote
}

// sentNote is a Notify call as the service received it.
type sentNote struct {
	app, icon, summary, body string
	expire                   int32
	hints                    map[string]dbus.Variant
}

func (f *fakeNotifications) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	hints map[string]dbus.Variant, expire int32) (uint32, *dbus.Error) {
	n := sentNote{app: app, icon: icon, summary: summary, body: body, expire: expire, hints: hints}
	f.mu.Lock()
	f.got = append(f.got, n)
	id := uint32(len(f.got))
	f.mu.Unlock()
	f.sent <- n
	return id, nil
}

func (f *fakeNotifications) GetCapabilities() ([]string, *dbus.Error) { return []string{"body"}, nil }

func (f *fakeNotifications) GetServerInformation() (string, string, string, string, *dbus.Error) {
	return "fake", "tokentray tests", "1", "1.2", nil
}

// startFakeNotifications runs the fake service on the test session's bus
// until the test ends, and makes the UI send its notifications there
// itself, as the app does on a Linux desktop.
func startFakeNotifications(t *testing.T) *fakeNotifications {
	t.Helper()
	storetest.RequireSession(t) // the session's own bus, not the user's
	conn, err := dbus.SessionBusPrivate()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := conn.Auth(nil); err != nil {
		t.Fatal(err)
	}
	if err := conn.Hello(); err != nil {
		t.Fatal(err)
	}
	f := &fakeNotifications{sent: make(chan sentNote, 32)}
	if err := conn.Export(f, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName("org.freedesktop.Notifications", dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("become the test bus's notification service: %v %v (is another one running on it?)", reply, err)
	}
	t.Cleanup(func() { conn.ReleaseName("org.freedesktop.Notifications") })
	old := ownNotifications
	ownNotifications = func(fyne.App) bool { return true }
	t.Cleanup(func() { ownNotifications = old })
	return f
}

// next is the next notification the service receives whose body contains
// s (the others are skipped); waiting has a guard, which fails.
func (f *fakeNotifications) next(t *testing.T, s string) sentNote {
	t.Helper()
	guard := time.NewTimer(15 * time.Second)
	defer guard.Stop()
	for {
		select {
		case n := <-f.sent:
			if strings.Contains(n.body, s) {
				return n
			}
		case <-guard.C:
			t.Fatalf("no notification saying %q (15 s)", s)
			return sentNote{}
		}
	}
}

// TestTrayNotificationsExpire: on Linux the app sends its notifications to
// the session bus's service itself, named Tokentray, with its icon, and
// says how long each stays: a routine one ("Connected …") goes after ten
// seconds, "reconnect needed" stays until dismissed. Fyne's
// SendNotification, which asks every one to stay, is not used.
func TestTrayNotificationsExpire(t *testing.T) {
	srv := startFakeNotifications(t)
	f := newFixture(t, Options{})
	id := f.connect("Work")
	n := srv.next(t, "Connected Work.")
	if n.expire != int32(routineShown/time.Millisecond) {
		t.Errorf("the routine notification's expire_timeout is %d ms, want %d", n.expire, routineShown/time.Millisecond)
	}
	if n.app != "Tokentray" || n.summary != "Tokentray" || n.icon != system.AppID {
		t.Errorf("app_name %q, summary %q, app_icon %q; want Tokentray, Tokentray, %s", n.app, n.summary, n.icon, system.AppID)
	}
	if img, ok := n.hints["image-data"].Value().([]any); !ok || len(img) != 7 {
		t.Errorf("no image-data hint with the app's icon: %v", n.hints["image-data"])
	} else if w, _ := img[0].(int32); w <= 0 || w > 64 {
		t.Errorf("the icon sent is %d pixels wide, want at most 64", w)
	}
	if v, _ := n.hints["desktop-entry"].Value().(string); v != system.AppID {
		t.Errorf("desktop-entry hint %q, want %s", v, system.AppID)
	}

	// The provider ends the grant: a refresh finds that only reconnecting
	// helps.
	ctx := context.Background()
	tok, err := f.st.LoadToken(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.srv.Revoke(ctx, tok.RefreshToken); err != nil {
		t.Fatal(err)
	}
	tok.Expiry = time.Now().Add(-time.Minute)
	if err := f.st.Update(ctx, func(tx *store.Tx) error { return tx.SaveToken(id, tok) }); err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.EnsureFresh(ctx, id, time.Minute); !errors.Is(err, auth.ErrReconnectNeeded) {
		t.Fatalf("a refresh of an ended grant: %v", err)
	}
	if n := srv.next(t, "Work needs to be reconnected"); n.expire != 0 {
		t.Errorf("the reconnect-needed notification's expire_timeout is %d, want 0 (stays until dismissed)", n.expire)
	}
	if c := f.fyneApp.count(""); c != 0 {
		t.Errorf("Fyne's SendNotification was used %d times", c)
	}
}

// TestTrayCopyNotifies: Copy token in the tray menu, whose window is
// usually closed, says in a notification that the token is on the
// clipboard and when it will be cleared (the clearing delay in force);
// the Authorization header likewise. The window's own copy says it on its
// card and status line, and sends none.
func TestTrayCopyNotifies(t *testing.T) {
	srv := startFakeNotifications(t)
	f := newFixture(t, Options{ClearAfter: 45 * time.Second})
	id := f.connect("Work")
	srv.next(t, "Connected Work.")
	f.eventually("the account in the tray menu", func() bool {
		m, _, _ := f.tray.last()
		return m != nil && m.Items[0].ChildMenu != nil
	})
	m, _, _ := f.tray.last()

	// The window's copy first: were it to notify, its notification would
	// come before the tray's.
	var before int
	f.ui.doAndWait(func() { before = f.ui.copied.seq; f.ui.Copy(id, false) })
	f.eventually("the window's copy", func() bool { return f.ui.copied.seq != before })

	f.ui.doAndWait(m.Items[0].ChildMenu.Items[0].Action) // Copy token
	n := srv.next(t, "copied")
	if want := "Token of Work copied. The clipboard is cleared in 45 seconds."; n.body != want {
		t.Errorf("the tray's copy says %q\nwant %q", n.body, want)
	}
	if n.expire <= 0 || n.expire > int32(routineShown/time.Millisecond) {
		t.Errorf("the copy's notification stays %d ms, want a short while", n.expire)
	}
	if got := f.fyneApp.Clipboard().Content(); got == "" || strings.HasPrefix(got, "Authorization") {
		t.Errorf("the clipboard holds %q, want the token", got)
	}

	f.ui.doAndWait(m.Items[0].ChildMenu.Items[1].Action) // Copy as Authorization header
	if n := srv.next(t, "copied"); n.body != "Authorization header of Work copied. The clipboard is cleared in 45 seconds." {
		t.Errorf("the tray's header copy says %q", n.body)
	}
}

// TestTrayCopyNeverCleared: with the clipboard never cleared, the tray's
// copy says it was copied, and nothing about clearing.
func TestTrayCopyNeverCleared(t *testing.T) {
	srv := startFakeNotifications(t)
	f := newFixture(t, Options{ClearAfter: -1})
	f.connect("Work")
	srv.next(t, "Connected Work.")
	f.eventually("the account in the tray menu", func() bool {
		m, _, _ := f.tray.last()
		return m != nil && m.Items[0].ChildMenu != nil
	})
	m, _, _ := f.tray.last()
	f.ui.doAndWait(m.Items[0].ChildMenu.Items[0].Action)
	if n := srv.next(t, "copied"); n.body != "Token of Work copied." {
		t.Errorf("the tray's copy says %q, want %q", n.body, "Token of Work copied.")
	}
}
