package core

import (
	"runtime"

	"github.com/godbus/dbus/v5"
)

// TrayHostPresent reports whether the desktop shows tray icons. On Linux
// that is a StatusNotifierWatcher on the session bus (GNOME has one only
// with the AppIndicator extension); elsewhere the OS always has a tray.
func TrayHostPresent() bool {
	if runtime.GOOS != "linux" && runtime.GOOS != "freebsd" && runtime.GOOS != "openbsd" && runtime.GOOS != "netbsd" {
		return true
	}
	conn, err := dbus.SessionBus()
	if err != nil {
		return false
	}
	var owned bool
	err = conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&owned)
	return err == nil && owned
}
