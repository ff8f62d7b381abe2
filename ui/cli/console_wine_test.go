//go:build linux

package cli_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokentray/tokentray/store/storetest"
)

// TestConsoleUnderWine builds a GUI-subsystem Windows program that starts
// like the CLI (cli.UseParentConsole) and runs it under Wine: output and
// input through pipes and files arrive untouched, and a start with no std
// handles (as cmd.exe starts a GUI program) writes to the parent's console.
// It runs where WINEPREFIX names a prefix made by
// testdata/windows/prefix.sh (make test gives it one); elsewhere it fails
// saying how to run it, or skips saying why with TOKENTRAY_SKIP_WINE=1
// (make test WINDOWS=skip) or TOKENTRAY_SKIP_SESSION=1.
func TestConsoleUnderWine(t *testing.T) {
	if os.Getenv("WINEPREFIX") == "" {
		if os.Getenv("TOKENTRAY_SKIP_WINE") == "1" {
			t.Skip("SKIP (TOKENTRAY_SKIP_WINE=1, set by make test WINDOWS=skip): needs a Wine prefix")
		}
		storetest.Missing(t, "a Wine prefix in WINEPREFIX",
			"./testdata/windows/prefix.sh bin/windows/wine && WINEPREFIX=$PWD/bin/windows/wine "+storetest.SessionCommand())
	}
	wineExec, err := filepath.Abs("../../testdata/windows/wine-exec.sh")
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(t.TempDir(), "wineconsole.exe")
	build := exec.Command("go", "build", "-ldflags=-H=windowsgui", "-o", exe, "./testdata/wineconsole")
	build.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	run := func(t *testing.T, c *exec.Cmd) {
		t.Helper()
		var exit *exec.ExitError
		if err := c.Run(); !errors.As(err, &exit) || exit.ExitCode() != 3 {
			t.Fatalf("exit: %v, want status 3", err)
		}
	}

	t.Run("pipes", func(t *testing.T) {
		var out, errOut bytes.Buffer
		c := exec.Command(wineExec, exe, "read")
		c.Stdin, c.Stdout, c.Stderr = strings.NewReader("typed\n"), &out, &errOut
		run(t, c)
		if want := "out: hello\nout: read \"typed\\n\" <nil>\n"; out.String() != want {
			t.Errorf("stdout %q, want %q", out.String(), want)
		}
		if want := "err: hello\n"; errOut.String() != want {
			t.Errorf("stderr %q, want %q", errOut.String(), want)
		}
	})
	t.Run("files", func(t *testing.T) {
		dir := t.TempDir()
		out, err := os.Create(filepath.Join(dir, "out.txt"))
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		c := exec.Command(wineExec, exe)
		c.Stdout = out
		var errOut bytes.Buffer
		c.Stderr = &errOut
		run(t, c)
		if got, _ := os.ReadFile(out.Name()); string(got) != "out: hello\n" {
			t.Errorf("file %q, want %q", got, "out: hello\n")
		}
		if errOut.String() != "err: hello\n" {
			t.Errorf("stderr %q", errOut.String())
		}
	})
	t.Run("no std handles, parent console", func(t *testing.T) {
		// script gives Wine a terminal, hence a console to attach to.
		if _, err := exec.LookPath("script"); err != nil {
			storetest.Missing(t, "script (bsdutils) for a terminal", "sudo apt-get install bsdutils")
		}
		var out bytes.Buffer
		c := exec.Command("script", "-qec", wineExec+" "+exe+" launch", "/dev/null")
		c.Stdout, c.Stderr = &out, &out
		run(t, c)
		for _, want := range []string{"out: hello", "err: hello"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("console shows %q, want %q in it", out.String(), want)
			}
		}
	})
}
