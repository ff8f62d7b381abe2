//go:build unix

package cli

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// execSignals are the signals exec passes on to its command: Ctrl+C
// (SIGINT), the stop of kill and of service managers (SIGTERM), and a
// closed terminal (SIGHUP).
var execSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}

// forward passes sig on to the command p. A SIGINT is not passed on when p
// is in the foreground process group of Tokentray's terminal: that is where
// the terminal sends Ctrl+C, so p has it already, and a second one would
// interrupt its clean-up (Python, for one, raises KeyboardInterrupt again).
// A SIGINT from elsewhere (kill, a supervisor, a job in the background) is
// passed on. The only failure is that p has exited: it needs no signal then.
func forward(p *os.Process, sig os.Signal) {
	if sig == syscall.SIGINT && inForeground(p.Pid) {
		return
	}
	_ = p.Signal(sig)
}

// inForeground says whether process pid is in the foreground process group
// of Tokentray's controlling terminal; false without one.
func inForeground(pid int) bool {
	tty, err := unix.Open("/dev/tty", unix.O_RDONLY|unix.O_NOCTTY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(tty)
	fg, err := unix.IoctlGetInt(tty, unix.TIOCGPGRP)
	if err != nil {
		return false
	}
	pgid, err := unix.Getpgid(pid)
	return err == nil && pgid == fg
}

// exitCode is a finished command's exit code as a shell gives it: its own,
// or 128 plus the number of the signal that ended it (130 for SIGINT).
func exitCode(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}
