//go:build linux

package cli_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store/storetest"
)

// TestConnectClioTitleWithOpenStdin: Clio's desktop path from a terminal
// whose standard input stays open (the user never types anything): a real
// Chromium window on the test's display shows the approval page, the
// command reads the code (or the decline) from the window's title, and
// exits right away instead of waiting for its input to close.
func TestConnectClioTitleWithOpenStdin(t *testing.T) {
	storetest.RequireSession(t)
	if _, err := exec.LookPath("chromium"); err != nil {
		t.Fatal("Chromium is missing: run make test, which installs it")
	}
	for _, tc := range []struct {
		name     string
		decision authtest.Decision
		code     int
		says     string
	}{
		{"approved", authtest.Approve, 0, "Connected Demo User"},
		{"declined", authtest.Deny, 1, "declined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t, authtest.Config{})
			c.srv.SetDecision(tc.decision)
			c.ok(authtest.ClientSecret+"\n", "provider", "set", "clio-eu", "--base-url", c.srv.URL,
				"--client-id", authtest.ClientID, "--client-secret-stdin")
			profile := t.TempDir()
			browser := filepath.Join(t.TempDir(), "browser")
			script := fmt.Sprintf("#!/bin/sh\nexec chromium --no-sandbox --no-first-run --disable-background-networking "+
				"--disable-component-update --disable-sync --disable-gpu --disable-dev-shm-usage --no-default-browser-check "+
				"--password-store=basic --user-data-dir=%q --new-window \"$1\" >/dev/null 2>&1\n", profile)
			if err := os.WriteFile(browser, []byte(script), 0o700); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { exec.Command("pkill", "-KILL", "-f", "--user-data-dir="+profile).Run() })
			terminal, err := os.OpenFile(terminalFIFO(t), os.O_RDWR, 0) // held open: never at its end
			if err != nil {
				t.Fatal(err)
			}
			defer terminal.Close()

			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "connect", "clio", "--region", "eu")
			cmd.Env = append(os.Environ(), "TOKENTRAY_ROLE=cli", "TOKENTRAY_CONFIG_DIR="+c.dir, "TOKENTRAY_BROWSER="+browser)
			cmd.Stdin = terminal
			var out, errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errOut
			err = cmd.Run()
			if ctx.Err() != nil {
				t.Fatalf("connect did not exit in 60 s with its input still open:\n%s", errOut.String())
			}
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tc.code || !strings.Contains(errOut.String(), tc.says) {
				t.Errorf("connect: exit %d, want %d and %q on stderr:\n%s", code, tc.code, tc.says, errOut.String())
			}
			if tc.code == 0 {
				storetest.Secret(t, strings.TrimSpace(c.ok("", "token", "Demo User")))
			}
		})
	}
}
