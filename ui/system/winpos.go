package system

import "errors"

// Where a window is on the screen, so that the accounts window opens where
// the user left it. Fyne (2.7) places windows but cannot say or set where;
// these work on the native window handle Fyne's RunNative gives: an X11
// window ID, a Windows HWND. Wayland lets no program place its windows,
// and macOS is not built here: there they return ErrNoPlacement.

// ErrNoPlacement says this system does not let Tokentray place windows.
var ErrNoPlacement = errors.New("this desktop does not let programs place their windows")

// Point is a window's top-left corner (its frame's, where there is one) in
// screen pixels.
type Point struct{ X, Y int }
