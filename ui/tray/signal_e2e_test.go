//go:build linux

package tray

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/system/title/titletest"
)

// TestSessionEndQuitsLikeQuit: the session ending sends the app SIGTERM
// while a copied token is on the clipboard and the window was moved. The
// app quits as the tray's Quit does: it exits cleanly, the token is off
// the clipboard, and the window's place is kept. (Fyne's own handler
// stopped the app first: the app then panicked reaching for its gone
// window, and the token stayed for any clipboard manager to keep.)
func TestSessionEndQuitsLikeQuit(t *testing.T) {
	skipShort(t)
	storetest.RequireSession(t)
	for _, tool := range []string{"xdotool", "xclip"} {
		if _, err := exec.LookPath(tool); err != nil {
			storetest.Missing(t, tool, "make test-deps")
		}
	}
	titletest.StartXvfb(t)
	a := buildDemoApp(t)
	x := watchDisplay(t)
	exited := a.start(t)
	win := x.waitWindow(t, "Tokentray")
	a.run(t, "connect", "demo", "--name", "Demo User")
	token := strings.TrimSpace(a.run(t, "token", "Demo User", "--min-valid", "10s"))
	storetest.Secret(t, token)
	xdo := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("xdotool", args...).CombinedOutput(); err != nil {
			t.Fatalf("xdotool %v: %v\n%s", args, err, out)
		}
	}
	clipboard := func() string {
		out, _ := exec.Command("xclip", "-o", "-selection", "clipboard").Output()
		return string(out)
	}

	// The user moves the window and copies the token with Ctrl+C (one
	// account: that one).
	xdo("windowmove", "--sync", fmt.Sprint(win.id), "230", "150")
	x.followClipboard(t)
	win.followDrawing(t) // looked at again as the window shows the account
	x.wait(t, "the token on the clipboard after Ctrl+C", func() bool {
		if clipboard() == token {
			return true
		}
		xdo("windowfocus", "--sync", fmt.Sprint(win.id))
		xdo("key", "--clearmodifiers", "ctrl+c")
		return clipboard() == token
	})

	// The session ends.
	if err := a.proc.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-exited; err != nil {
		t.Fatalf("after SIGTERM the app exited with %v, want a clean exit", err)
	}
	if got := clipboard(); got == token {
		t.Error("the token stayed on the clipboard after the session ended")
	}
	data, err := os.ReadFile(filepath.Join(a.dir, "config", "accounts.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`"placed":\s*true,\s*"x":\s*230,\s*"y":\s*150`).Match(data) {
		t.Errorf("the window's place was not kept at the session's end:\n%s", data)
	}
}
