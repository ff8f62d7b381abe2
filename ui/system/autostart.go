package system

import (
	"fmt"
	"os"
)

// Autostart is whether Tokentray starts when the user logs in: an XDG
// autostart entry on Linux, a LaunchAgent on macOS, the Run key on Windows.
// exe is the program to start (os.Executable()).
type Autostart struct{ exe string }

// NewAutostart is the autostart setting for the running program.
func NewAutostart() (Autostart, error) {
	exe, err := os.Executable()
	if err != nil {
		return Autostart{}, fmt.Errorf("find the program: %w", err)
	}
	return Autostart{exe: exe}, nil
}

// Enabled reports whether the entry exists.
func (a Autostart) Enabled() (bool, error) { return autostartEnabled() }

// Set adds or removes the entry.
func (a Autostart) Set(on bool) error {
	if on {
		return autostartEnable(a.exe)
	}
	return autostartDisable()
}
