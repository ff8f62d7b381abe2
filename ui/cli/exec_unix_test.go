//go:build unix

package cli_test

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/authtest"
)

// TestExecPassesSignalsOn: a signal sent to `tokentray exec` (by kill or a
// supervisor, to it alone) is passed on to the command, which can clean up;
// tokentray waits for it and exits as a shell does, with the command's exit
// code, or 128 plus the number of the signal that ended it. Before, SIGINT
// killed the command outright (SIGKILL: no clean-up) and exec exited 255.
func TestExecPassesSignalsOn(t *testing.T) {
	c := newCLI(t, authtest.Config{})
	c.ok(authtest.ClientSecret+"\n", "provider", "add", "demo", "--issuer", c.srv.URL,
		"--client-id", authtest.ClientID, "--client-secret-stdin", "--scopes", "openid offline_access")
	c.ok("", "connect", "demo", "--name", "Work")

	for _, tc := range []struct {
		name   string
		sig    syscall.Signal
		script string // $1: the file the command's clean-up writes
		want   int
		clean  bool
	}{
		{"SIGINT, the command cleans up", syscall.SIGINT,
			`trap 'kill $!; echo cleaned > "$1"; exit 7' INT; sleep 60 </dev/null >/dev/null 2>&1 & echo ready; wait`, 7, true},
		{"SIGINT, the command does not catch it", syscall.SIGINT, `echo ready; exec sleep 60`, 130, false},
		{"SIGTERM", syscall.SIGTERM, `echo ready; exec sleep 60`, 143, false},
		{"SIGHUP", syscall.SIGHUP, `echo ready; exec sleep 60`, 129, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cleaned := filepath.Join(t.TempDir(), "cleaned")
			cmd := c.command("exec", "Work", "--", "sh", "-c", tc.script, "sh", cleaned)
			// A process group of its own: no terminal's Ctrl+C reaches it,
			// whoever runs the test.
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			code, stderr := signalWhenReady(t, cmd, tc.sig)
			if code != tc.want {
				t.Errorf("exit %d, want %d\n%s", code, tc.want, stderr)
			}
			if stderr != "" {
				t.Errorf("exec said something of its own: %q", stderr)
			}
			got, err := os.ReadFile(cleaned)
			switch {
			case tc.clean && string(got) != "cleaned\n":
				t.Errorf("the command did not clean up (%q, %v): it never got the signal", got, err)
			case !tc.clean && !errors.Is(err, os.ErrNotExist):
				t.Errorf("clean-up file: %q, %v", got, err)
			}
		})
	}
}

// signalWhenReady starts cmd, a tokentray exec in a process group of its
// own, waits for the command's first line, "ready", sends sig to tokentray,
// and returns tokentray's exit code (-1: killed by a signal) and stderr. A
// minute at most: then the group is killed.
func signalWhenReady(t *testing.T, cmd *exec.Cmd, sig syscall.Signal) (int, string) {
	t.Helper()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = 10 * time.Second // a left-behind process holding stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	group := cmd.Process.Pid
	t.Cleanup(func() { syscall.Kill(-group, syscall.SIGKILL) }) // whatever is left
	timeout := time.AfterFunc(time.Minute, func() { syscall.Kill(-group, syscall.SIGKILL) })
	defer timeout.Stop()
	r := bufio.NewReader(out)
	first, _ := r.ReadString('\n')
	if first == "ready\n" {
		if err := cmd.Process.Signal(sig); err != nil {
			t.Error(err)
		}
	}
	err = cmd.Wait()
	if first != "ready\n" {
		t.Fatalf("the command did not start (stdout %q, %v):\n%s", first, err, stderr.String())
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), stderr.String()
}
