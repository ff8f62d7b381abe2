package system_test

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/tokentray/tokentray/ui/system"
)

// launcherScript writes an executable shell script into a temporary
// directory and returns its path. $PIDFIFO (a fifo) is where it says its
// process ID: writing blocks until the test reads it, so that the test
// knows the program runs.
func launcherScript(t *testing.T, body string) (prog, pidFIFO string) {
	t.Helper()
	dir := t.TempDir()
	pidFIFO = filepath.Join(dir, "pid")
	if err := syscall.Mkfifo(pidFIFO, 0o600); err != nil {
		t.Fatal(err)
	}
	prog = filepath.Join(dir, "browser")
	script := "#!/bin/sh\necho $$ > " + strconv.Quote(pidFIFO) + "\n" + body
	if err := os.WriteFile(prog, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return prog, pidFIFO
}

// readPID reads the process ID the launcher writes to fifo.
func readPID(t *testing.T, fifo string) int {
	t.Helper()
	f, err := os.Open(fifo) // blocks until the launcher opens it to write
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil {
		t.Fatalf("the launcher's PID: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// processState is "" for a process that is gone (ended and reaped), else
// what it still is: "a zombie" (ended, never waited for) or "running".
func processState(t *testing.T, pid int) string {
	t.Helper()
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if errors.Is(err, fs.ErrNotExist) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	// pid (comm) state …: comm may hold spaces and parentheses.
	rest := string(stat[strings.LastIndexByte(string(stat), ')')+1:])
	if f := strings.Fields(rest); len(f) > 0 && f[0] == "Z" {
		return "a zombie"
	}
	return "running"
}

// TestBrowserProgramIsReaped: a TOKENTRAY_BROWSER launcher that hands the
// page on and exits is waited for: once Close has returned (the app or the
// command ends), it is gone, not left a zombie.
func TestBrowserProgramIsReaped(t *testing.T) {
	prog, pidFIFO := launcherScript(t, "exit 0\n")
	t.Setenv(system.BrowserEnv, prog)
	b := system.NewBrowser()
	defer b.Close()
	if err := b.Open("https://auth.example.test/authorize?state=s"); err != nil {
		t.Fatal(err)
	}
	pid := readPID(t, pidFIFO) // it exits right after
	b.Close()
	if st := processState(t, pid); st != "" {
		t.Fatalf("after Close, the launcher (PID %d) is %s", pid, st)
	}
	if err := b.Open("https://auth.example.test/authorize"); !errors.Is(err, system.ErrBrowserClosed) {
		t.Errorf("Open after Close: %v, want ErrBrowserClosed", err)
	}
}

// TestBrowserCloseEndsProgramStillRunning: a launcher that stays (the
// browser itself, named by mistake) does not hold up Open, and is ended and
// reaped by Close.
func TestBrowserCloseEndsProgramStillRunning(t *testing.T) {
	hold := filepath.Join(t.TempDir(), "hold")
	if err := syscall.Mkfifo(hold, 0o600); err != nil {
		t.Fatal(err)
	}
	prog, pidFIFO := launcherScript(t, "read _ < "+strconv.Quote(hold)+"\n") // never written: stays
	t.Setenv(system.BrowserEnv, prog)
	b := system.NewBrowser()
	defer b.Close()
	if err := b.Open("https://auth.example.test/authorize"); err != nil {
		t.Fatal(err)
	}
	pid := readPID(t, pidFIFO)
	if st := processState(t, pid); st != "running" {
		t.Fatalf("the launcher is %q before Close", st)
	}
	b.Close()
	if st := processState(t, pid); st != "" {
		t.Fatalf("after Close, the launcher (PID %d) is %s", pid, st)
	}
}

// TestBrowserProgramMissing: a TOKENTRAY_BROWSER that cannot start is
// Open's error (the connect window then shows the link).
func TestBrowserProgramMissing(t *testing.T) {
	t.Setenv(system.BrowserEnv, filepath.Join(t.TempDir(), "no-such-browser"))
	b := system.NewBrowser()
	defer b.Close()
	if err := b.Open("https://auth.example.test/authorize"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open: %v, want a missing program", err)
	}
}
