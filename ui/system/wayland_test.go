package system

import (
	"runtime"
	"testing"
)

// TestWayland: a Wayland session is told by WAYLAND_DISPLAY or by
// XDG_SESSION_TYPE; an X11 session and no session are not one.
func TestWayland(t *testing.T) {
	for _, tc := range []struct {
		display, sessionType string
		want                 bool
	}{
		{"wayland-0", "", true},
		{"", "wayland", true},
		{"wayland-1", "wayland", true},
		{"", "x11", false},
		{"", "tty", false},
		{"", "", false},
	} {
		t.Setenv("WAYLAND_DISPLAY", tc.display)
		t.Setenv("XDG_SESSION_TYPE", tc.sessionType)
		want := tc.want && runtime.GOOS != "windows" && runtime.GOOS != "darwin"
		if got := Wayland(); got != want {
			t.Errorf("WAYLAND_DISPLAY=%q XDG_SESSION_TYPE=%q: Wayland() = %v, want %v", tc.display, tc.sessionType, got, want)
		}
	}
}
