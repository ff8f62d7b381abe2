package system

import (
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

// TestMoveWindowWindows: a real top-level window (a plain STATIC one) is
// put where MoveWindow says and WindowPosition reads it back there; a
// place on no monitor is not on the screen.
func TestMoveWindowWindows(t *testing.T) {
	create := user32.NewProc("CreateWindowExW")
	destroy := user32.NewProc("DestroyWindow")
	class, _ := windows.UTF16PtrFromString("STATIC")
	title, _ := windows.UTF16PtrFromString("Tokentray test window")
	const wsOverlappedWindow, cwUseDefault = 0x00CF0000, 0x80000000
	hwnd, _, err := create.Call(0, uintptr(unsafe.Pointer(class)), uintptr(unsafe.Pointer(title)), wsOverlappedWindow,
		cwUseDefault, cwUseDefault, 400, 300, 0, 0, 0, 0)
	if hwnd == 0 {
		t.Fatalf("CreateWindowEx: %v", err)
	}
	defer destroy.Call(hwnd)
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
