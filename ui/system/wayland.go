package system

import (
	"os"
	"runtime"
)

// Wayland reports whether the desktop session is a Wayland one
// (WAYLAND_DISPLAY set, or XDG_SESSION_TYPE=wayland): GNOME's and KDE's
// default on Linux. There a browser running natively on Wayland has no X11
// window, so its window title, which carries Clio's approval code, cannot
// be read (only a browser under XWayland's can): the user pastes the
// address instead. Always false on Windows and macOS.
func Wayland() bool {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		return false
	}
	return os.Getenv("WAYLAND_DISPLAY") != "" || os.Getenv("XDG_SESSION_TYPE") == "wayland"
}
