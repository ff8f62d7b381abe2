//go:build windows

package title

import (
	"context"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	user32              = windows.NewLazySystemDLL("user32.dll")
	procEnumWindows     = user32.NewProc("EnumWindows")
	procGetWindowTextW  = user32.NewProc("GetWindowTextW")
	procIsWindowVisible = user32.NewProc("IsWindowVisible")

	// One callback for the process: Windows limits how many can be made.
	enumMu     sync.Mutex
	enumTitles []string
	enumProc   = syscall.NewCallback(func(hwnd, _ uintptr) uintptr {
		if visible, _, _ := procIsWindowVisible.Call(hwnd); visible == 0 {
			return 1
		}
		buf := make([]uint16, 512)
		n, _, _ := procGetWindowTextW.Call(hwnd, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
		if n > 0 {
			enumTitles = append(enumTitles, windows.UTF16ToString(buf[:n]))
		}
		return 1 // go on
	})
)

// win32 reads top-level window titles with EnumWindows + GetWindowTextW.
type win32 struct{}

func open() (Watcher, error) {
	if err := procEnumWindows.Find(); err != nil {
		return nil, ErrUnavailable
	}
	return win32{}, nil
}

func (win32) Close() error { return nil }

func (win32) Titles(ctx context.Context) ([]string, error) {
	enumMu.Lock()
	defer enumMu.Unlock()
	enumTitles = nil
	procEnumWindows.Call(enumProc, 0)
	return enumTitles, ctx.Err()
}
