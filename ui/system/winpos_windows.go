package system

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	user32               = windows.NewLazySystemDLL("user32.dll")
	procGetWindowRect    = user32.NewProc("GetWindowRect")
	procSetWindowPos     = user32.NewProc("SetWindowPos")
	procMonitorFromPoint = user32.NewProc("MonitorFromPoint")
)

type winRect struct{ Left, Top, Right, Bottom int32 }

// WindowPosition is where the window (an HWND) is: its frame's top-left
// corner, as MoveWindow places it.
func WindowPosition(handle uintptr) (Point, error) {
	var r winRect
	if ok, _, err := procGetWindowRect.Call(handle, uintptr(unsafe.Pointer(&r))); ok == 0 {
		return Point{}, fmt.Errorf("window position: %w", err)
	}
	return Point{int(r.Left), int(r.Top)}, nil
}

// MoveWindow places the window's frame at p, keeping its size, order and
// focus. Called on the thread that owns the window (Fyne's main thread,
// where the app's callbacks run), the move is done when MoveWindow
// returns. Called from any other thread it is only posted to the owner
// (SWP_ASYNCWINDOWPOS): a plain SetWindowPos would wait for that thread to
// read its messages, and waits forever if it never does (a Go goroutine
// moves between threads).
func MoveWindow(handle uintptr, p Point) error {
	const swpNoSize, swpNoZOrder, swpNoActivate, swpAsyncWindowPos = 0x0001, 0x0004, 0x0010, 0x4000
	if ok, _, err := procSetWindowPos.Call(handle, 0, uintptr(int32(p.X)), uintptr(int32(p.Y)), 0, 0,
		swpNoSize|swpNoZOrder|swpNoActivate|swpAsyncWindowPos); ok == 0 {
		return fmt.Errorf("move window: %w", err)
	}
	return nil
}

// OnScreen says whether p lies on a monitor that is there now.
func OnScreen(p Point) bool {
	const monitorDefaultToNull = 0
	// MonitorFromPoint takes the POINT by value: on 64-bit Windows packed
	// in one register, on 32-bit as two arguments.
	x, y := uint32(int32(p.X)), uint32(int32(p.Y))
	var m uintptr
	if unsafe.Sizeof(uintptr(0)) == 8 {
		m, _, _ = procMonitorFromPoint.Call(uintptr(uint64(x)|uint64(y)<<32), monitorDefaultToNull)
	} else {
		m, _, _ = procMonitorFromPoint.Call(uintptr(x), uintptr(y), monitorDefaultToNull)
	}
	return m != 0
}
