package cli_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/tokentray/tokentray/auth/authtest"
)

// TestExecCtrlCInATerminal: in a terminal, Ctrl+C sends SIGINT to the whole
// foreground job, tokentray exec and its command alike. The command gets it
// once (passed on as well, a second one would interrupt its clean-up, as it
// crashes a Python REPL: berglas #158), tokentray keeps waiting for it, and
// a SIGTERM from elsewhere is still passed on. The command counts the
// interrupts it gets and exits with that count on SIGTERM; a SIGINT passed
// on is sent before that SIGTERM, and the shell runs its INT trap first.
func TestExecCtrlCInATerminal(t *testing.T) {
	c := newCLI(t, authtest.Config{})
	c.ok(authtest.ClientSecret+"\n", "provider", "add", "demo", "--issuer", c.srv.URL,
		"--client-id", authtest.ClientID, "--client-secret-stdin", "--scopes", "openid offline_access")
	c.ok("", "connect", "demo", "--name", "Work")
	master, terminal := openTerminal(t)

	script := `n=0
trap 'n=$((n+1)); echo "interrupted $n"' INT
trap 'kill $!; exit $n' TERM
sleep 60 </dev/null >/dev/null 2>&1 &
echo ready
while kill -0 $! 2>/dev/null; do wait $!; done
exit 99`
	cmd := c.command("exec", "Work", "--", "sh", "-c", script)
	// tokentray leads a session whose controlling terminal is the pseudo-
	// terminal: it and its command are the terminal's foreground job.
	cmd.Stdin = terminal
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	group := cmd.Process.Pid
	t.Cleanup(func() { syscall.Kill(-group, syscall.SIGKILL) })
	timeout := time.AfterFunc(time.Minute, func() { syscall.Kill(-group, syscall.SIGKILL) })
	defer timeout.Stop()

	r := bufio.NewReader(out)
	said := func() string { line, _ := r.ReadString('\n'); return line }
	if line := said(); line != "ready\n" {
		cmd.Wait()
		t.Fatalf("the command did not start (stdout %q):\n%s", line, stderr.String())
	}
	if _, err := master.Write([]byte{0x03}); err != nil { // Ctrl+C
		t.Fatal(err)
	}
	if line := said(); line != "interrupted 1\n" {
		t.Errorf("after Ctrl+C the command said %q, want \"interrupted 1\"", line)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	rest, _ := r.ReadString(0)
	err = cmd.Wait()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	if code := cmd.ProcessState.ExitCode(); code != 1 || strings.Contains(rest, "interrupted") {
		t.Errorf("exit %d (the command's count of interrupts), stdout after the first %q: want 1 interrupt and exit 1\n%s",
			code, rest, stderr.String())
	}
}

// openTerminal opens a pseudo-terminal: the master end the test types on,
// and the terminal end a process uses.
func openTerminal(t *testing.T) (master, terminal *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { master.Close() })
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlock the pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("name the pseudo-terminal: %v", err)
	}
	terminal, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { terminal.Close() })
	return master, terminal
}
