//go:build linux

package tray

import (
	"encoding/json"
	"fmt"
	"github.com/jezek/xgb/xproto"
	"os/exec"
	"testing"

	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/system/title/titletest"
)

// TestDeadEndWindowClioNotSetUp runs the demo app in a real window under
// Xvfb, as a newcomer first sees it: the start screen with no account
// (start-screen.png), then the keyboard alone — Tab to the Clio button,
// Enter, Enter again in the connect dialog — walks into Clio, which
// nobody set up on this computer: the window must then show something
// else than the start screen and the connect dialog (the not-set-up
// message and its buttons: clio-not-set-up.png; its words and buttons are
// TestDeadEndClioNotSetUp's), and no account may have been connected. The
// screenshots are kept in $TOKENTRAY_SCREENSHOTS when set.
func TestDeadEndWindowClioNotSetUp(t *testing.T) {
	skipShort(t)
	storetest.RequireSession(t)
	for _, tool := range []string{"import", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			storetest.Missing(t, tool, "make test-deps")
		}
	}
	titletest.StartXvfb(t)
	a := buildDemoApp(t)
	startTrayHost(t) // a desktop with a tray, as most have
	x := watchDisplay(t)
	a.start(t)
	win := x.waitWindow(t, "Tokentray")
	win.followDrawing(t)

	// What the start screen is about to say: Clio is not set up, the demo
	// provider is.
	var providers []struct {
		ID         string `json:"id"`
		Configured bool   `json:"configured"`
	}
	if err := json.Unmarshal([]byte(a.run(t, "provider", "list", "--json")), &providers); err != nil {
		t.Fatal(err)
	}
	configured := map[string]bool{}
	for _, p := range providers {
		configured[p.ID] = p.Configured
	}
	if configured["clio-us"] || !configured["demo"] {
		t.Fatalf("the demo app's providers set up: %v; want the demo provider and not Clio", configured)
	}

	start := settledShot(t, x, win, a.dir, "start-screen.png")
	keepShot(t, "start-screen.png", start)
	// The start screen, its "Not set up on this computer yet" line shown, fits the
	// window's first size: the window did not grow for it.
	if geo, err := xproto.GetGeometry(x.conn, xproto.Drawable(win.id)).Reply(); err != nil {
		t.Fatal(err)
	} else if float32(geo.Width) != defaultWindow.Width || float32(geo.Height) != defaultWindow.Height {
		t.Errorf("the start screen made the window %dx%d, not its first size %v", geo.Width, geo.Height, defaultWindow)
	}

	xdo := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("xdotool", args...).CombinedOutput(); err != nil {
			t.Fatalf("xdotool %v: %v\n%s", args, err, out)
		}
	}
	xdo("windowfocus", "--sync", fmt.Sprint(win.id))
	keys := []string{"key", "--delay", "100"}
	for range tabsToClio {
		keys = append(keys, "Tab")
	}
	xdo(append(keys, "Return")...)
	var dialog []byte
	x.wait(t, "the connect dialog", func() bool {
		dialog = windowShot(t, x, win, a.dir, "clio-dialog.png")
		return !samePixels(t, dialog, start)
	})
	// The focus is in the name field (its cursor blinks: the dialog never
	// settles): Enter is Connect. The message that follows is more than a
	// cursor's change (hundreds of pixels), has no cursor, and settles.
	xdo("key", "Return")
	x.wait(t, "the connect dialog's next step", func() bool {
		return changedPixels(t, windowShot(t, x, win, a.dir, "clio-not-set-up.png"), dialog) > 500
	})
	shot := settledShot(t, x, win, a.dir, "clio-not-set-up.png")
	if samePixels(t, shot, start) || samePixels(t, shot, dialog) {
		t.Fatal("after Connect, the window shows the start screen or the connect dialog again")
	}
	keepShot(t, "clio-not-set-up.png", shot)

	var accounts []map[string]any
	if err := json.Unmarshal([]byte(a.run(t, "list", "--json")), &accounts); err != nil {
		t.Fatal(err)
	}
	if len(accounts) != 0 {
		t.Errorf("connecting a Clio nobody set up connected accounts: %v", accounts)
	}
}
