// Package titletest gives tests a display of their own, for the window
// titles ui/system/title reads and the windows the desktop app shows.
package titletest

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/tokentray/tokentray/store/storetest"
)

// StartXvfb starts a private X server for one test (so that window managers,
// windows and properties stay out of other tests), points DISPLAY at it, and
// stops it when the test ends.
func StartXvfb(t *testing.T) string {
	t.Helper()
	return StartXvfbSize(t, "1280x800")
}

// StartXvfbSize is StartXvfb with a screen of that size ("1400x1300").
func StartXvfbSize(t *testing.T, size string) string {
	t.Helper()
	if _, err := exec.LookPath("Xvfb"); err != nil {
		storetest.Missing(t, "Xvfb", "make test-deps")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", size+"x24", "-nolisten", "tcp", "-noreset")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	line, err := bufio.NewReader(r).ReadString('\n') // written once it accepts clients
	r.Close()
	if err != nil {
		t.Fatalf("Xvfb did not start: %v", err)
	}
	display := ":" + strings.TrimSpace(line)
	t.Setenv("DISPLAY", display)
	return display
}

// StartOpenbox runs a light window manager on the test's display (from
// StartXvfb) and waits until it manages the screen: it publishes
// _NET_SUPPORTING_WM_CHECK. It is stopped when the test ends.
func StartOpenbox(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("openbox"); err != nil {
		storetest.Missing(t, "openbox", "make test-deps")
	}
	wm := exec.Command("openbox", "--sm-disable")
	wm.Env = append(os.Environ(), "HOME="+t.TempDir())
	if err := wm.Start(); err != nil {
		t.Fatalf("openbox: %v", err)
	}
	t.Cleanup(func() { wm.Process.Kill(); wm.Wait() })
	conn, err := xgb.NewConn()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	root := xproto.Setup(conn).DefaultScreen(conn).Root
	name := "_NET_SUPPORTING_WM_CHECK"
	check, err := xproto.InternAtom(conn, false, uint16(len(name)), name).Reply()
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); ; {
		r, err := xproto.GetProperty(conn, false, root, check.Atom, xproto.AtomWindow, 0, 1).Reply()
		if err == nil && r.ValueLen > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("openbox did not take the screen in 20 s")
		}
		time.Sleep(20 * time.Millisecond) // polling for a condition: the window manager sets the property when ready
	}
}
