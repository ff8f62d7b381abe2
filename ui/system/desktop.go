package system

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/godbus/dbus/v5"
)

// ProbeTimeout bounds a probe of the desktop session (ProbeSession,
// TrayHostPresent): a session bus that does not answer must not hold up the
// app's start or tokentray doctor.
const ProbeTimeout = 3 * time.Second

// Session is what the desktop session's bus (D-Bus) offers Tokentray.
type Session struct {
	// TrayHost: a StatusNotifierWatcher shows tray icons (on GNOME only
	// with the AppIndicator extension).
	TrayHost bool
	// Notifications: a notification service shows desktop notifications.
	Notifications bool
}

// Bus names asked for.
const (
	trayHostName      = "org.kde.StatusNotifierWatcher"
	notificationsName = "org.freedesktop.Notifications"
)

// ProbeSession asks the session bus which of the services Tokentray uses
// run, within ProbeTimeout (or ctx, if it ends sooner), on a connection of
// its own that it closes. The error says there is no session bus to ask
// (or it did not let Tokentray in, in time).
func ProbeSession(ctx context.Context) (Session, error) {
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	// The connection's context ends its connecting and authenticating too.
	conn, err := dbus.ConnectSessionBus(dbus.WithContext(ctx))
	if err != nil {
		return Session{}, fmt.Errorf("session bus: %w", err)
	}
	defer conn.Close()
	// A name the bus does not answer for in time counts as not there.
	has := func(name string) bool {
		var owned bool
		err := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, name).Store(&owned)
		return err == nil && owned
	}
	return Session{TrayHost: has(trayHostName), Notifications: has(notificationsName)}, nil
}

// TrayHostPresent reports whether the desktop shows tray icons. On Linux
// and the BSDs that is a StatusNotifierWatcher on the session bus
// (ProbeSession; no bus, or none in time, is no tray host); elsewhere the
// OS always has a tray.
func TrayHostPresent(ctx context.Context) bool {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd":
	default:
		return true
	}
	s, err := ProbeSession(ctx)
	return err == nil && s.TrayHost
}
