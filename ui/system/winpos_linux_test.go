package system

import (
	"testing"

	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/system/title/titletest"
)

// TestOnScreenX11: on a real X server (Xvfb, one 1280x800 monitor) a
// place on the monitor is on the screen; one past its edges, or so close
// to them that the window could not be taken hold of, is not. (The server
// runs with -noreset: one that resets when its last client leaves refuses
// the next one for a moment, as a desktop's X server, always in use, does
// not.)
func TestOnScreenX11(t *testing.T) {
	storetest.RequireSession(t)
	titletest.StartXvfb(t)
	for p, want := range map[Point]bool{
		{100, 100}: true, {0, 0}: true, {1240, 760}: true,
		{1270, 790}: false, {1500, 100}: false, {-10, 100}: false, {100, 2000}: false,
	} {
		if got := OnScreen(p); got != want {
			t.Errorf("OnScreen(%v) = %v, want %v", p, got, want)
		}
	}
}
