// Package titletest gives tests a display of their own, for the window
// titles auth/title reads and the windows the desktop app shows.
package titletest

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"testing"

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
