//go:build !linux && !windows

package system

// WindowPosition: not here (see ErrNoPlacement).
func WindowPosition(uintptr) (Point, error) { return Point{}, ErrNoPlacement }

// MoveWindow: not here (see ErrNoPlacement).
func MoveWindow(uintptr, Point) error { return ErrNoPlacement }

// OnScreen: not here.
func OnScreen(Point) bool { return false }
