package system

import (
	"fmt"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	procCreateWindowEx = user32.NewProc("CreateWindowExW")
	procDestroyWindow  = user32.NewProc("DestroyWindow")
)

// newTestWindow makes a real top-level window (a plain STATIC one) owned by
// the calling thread, which must be locked to its goroutine.
func newTestWindow() (uintptr, error) {
	class, _ := windows.UTF16PtrFromString("STATIC")
	title, _ := windows.UTF16PtrFromString("Tokentray test window")
	const wsOverlappedWindow, cwUseDefault = 0x00CF0000, 0x80000000
	hwnd, _, err := procCreateWindowEx.Call(0, uintptr(unsafe.Pointer(class)), uintptr(unsafe.Pointer(title)), wsOverlappedWindow,
		cwUseDefault, cwUseDefault, 400, 300, 0, 0, 0, 0)
	if hwnd == 0 {
		return 0, fmt.Errorf("CreateWindowEx: %w", err)
	}
	return hwnd, nil
}

// TestMoveWindowWindows: a window is put where MoveWindow says, called on
// the window's own thread as Fyne's RunNative does, and WindowPosition
// reads it back there; a place on no monitor is not on the screen.
func TestMoveWindowWindows(t *testing.T) {
	// The window belongs to this thread; without the lock the goroutine
	// could carry on on another one.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	hwnd, err := newTestWindow()
	if err != nil {
		t.Fatal(err)
	}
	defer procDestroyWindow.Call(hwnd)
	for _, p := range []Point{{120, 80}, {300, 200}} {
		if err := MoveWindow(hwnd, p); err != nil {
			t.Fatal(err)
		}
		got, err := WindowPosition(hwnd)
		if err != nil {
			t.Fatal(err)
		}
		if got != p {
			t.Errorf("moved to %v, the window is at %v", p, got)
		}
	}
	if !OnScreen(Point{120, 80}) {
		t.Error("(120, 80) is not on the screen")
	}
	if OnScreen(Point{-30000, -30000}) {
		t.Error("(-30000, -30000) is on the screen")
	}
}

// TestMoveWindowFromAnotherThread: MoveWindow called from a thread that
// does not own the window returns, even though the owner never reads its
// messages. A plain SetWindowPos waits for the owner forever; that hung
// CI's Windows run for its whole 20 minutes.
func TestMoveWindowFromAnotherThread(t *testing.T) {
	type window struct {
		hwnd uintptr
		err  error
	}
	made := make(chan window)
	release := make(chan struct{})
	go func() {
		// The owner's thread stays with this goroutine, so MoveWindow
		// below runs on another one.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		hwnd, err := newTestWindow()
		made <- window{hwnd, err}
		if err != nil {
			return
		}
		<-release // owns the window without reading its messages
		procDestroyWindow.Call(hwnd)
	}()
	w := <-made
	if w.err != nil {
		t.Fatal(w.err)
	}
	defer close(release)

	moved := make(chan error, 1)
	go func() { moved <- MoveWindow(w.hwnd, Point{150, 90}) }()
	// A deadlock detector, not a speed check: a posted move returns at
	// once, a blocked one never does.
	select {
	case err := <-moved:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("MoveWindow from another thread is still waiting for the window's owner after 30 s")
	}
}
