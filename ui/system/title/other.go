//go:build !windows && !linux && !freebsd && !netbsd && !openbsd && !dragonfly

package title

// open: macOS only shows other apps' window titles to programs the user has
// granted screen recording, and asking for that to read one title is too
// much; there, and elsewhere, the user pastes the code instead.
func open() (Watcher, error) { return nil, ErrUnavailable }
