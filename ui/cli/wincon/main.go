// Command wincon is tokentray.com, the console twin of Tokentray.exe on
// Windows, installed next to it.
//
// Tokentray.exe is a GUI-subsystem program (no console window flashes up
// when it starts at login), so cmd.exe and PowerShell do not wait for it:
// typed at a prompt, `Tokentray.exe token NAME` returns the prompt at once,
// prints after it, and %ERRORLEVEL% / $LASTEXITCODE do not hold its exit
// code. Windows users expect a command to behave like one. The shells look
// for .COM before .EXE (PATHEXT), so typing `tokentray token NAME` runs
// this console-subsystem program instead: it runs Tokentray.exe from its
// own folder with the same arguments and the same standard handles, waits
// for it, and exits with its exit code. Without arguments it starts the
// desktop app and returns.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"

	"github.com/tokentray/tokentray/ui/words"
)

func main() {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "tokentray:", words.L("cannot find where Tokentray is installed: {{.Why}}", map[string]any{"Why": err}))
		os.Exit(1)
	}
	exe := filepath.Join(filepath.Dir(self), "Tokentray.exe")
	cmd := exec.Command(exe, os.Args[1:]...)
	if len(os.Args) == 1 { // the desktop app: start it and return
		if err := cmd.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "tokentray:", words.L("cannot start {{.Program}}: {{.Why}}", map[string]any{"Program": exe, "Why": err}))
			os.Exit(1)
		}
		cmd.Process.Release() //nolint:errcheck // it runs on its own
		return
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// Ctrl+C reaches Tokentray.exe too (one console); it decides how to
	// stop, and this program reports how it ended.
	signal.Ignore(os.Interrupt)
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		os.Exit(ee.ExitCode())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tokentray:", words.L("cannot start {{.Program}}: {{.Why}}", map[string]any{"Program": exe, "Why": err}))
		os.Exit(1)
	}
}
