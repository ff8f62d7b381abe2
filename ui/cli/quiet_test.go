//go:build unix

package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store/storetest"
)

// buildCommand builds tokentray as make build does: ui/cli/tokentray, no
// cgo. The desktop app is not beside it.
func buildCommand(t testing.TB) string {
	t.Helper()
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "tokentray")
	build := exec.Command("go", "build", "-o", bin, "./ui/cli/tokentray")
	build.Dir, build.Env = strings.TrimSpace(string(root)), append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build tokentray: %v\n%s", err, out)
	}
	return bin
}

// withLocale is env with the locale set to loc alone, as on a machine whose
// only setting is LANG.
func withLocale(env []string, loc string) []string {
	var out []string
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k != "LANG" && k != "LANGUAGE" && !strings.HasPrefix(k, "LC_") {
			out = append(out, kv)
		}
	}
	return append(out, "LANG="+loc)
}

// TestStderrHoldsOnlyWhatWasAsked: tokentray as it ships, under
// LANG=C.UTF-8 (the default of Debian containers, CI and server machines),
// with a token that must be refreshed at every call: a command that
// succeeds says nothing on stderr but what it is there to say — no
// toolkit's complaint about the locale, no log lines. Scripts and cron jobs
// read stderr as trouble.
func TestStderrHoldsOnlyWhatWasAsked(t *testing.T) {
	c := newCLI(t, authtest.Config{AccessTokenLifespan: 2 * time.Second})
	bin := buildCommand(t)
	env := append(withLocale(os.Environ(), "C.UTF-8"), "TOKENTRAY_CONFIG_DIR="+c.dir, "TOKENTRAY_BROWSER="+c.browser)
	run := func(stdin string, args ...string) (string, string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env, cmd.Stdin = env, strings.NewReader(stdin)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("tokentray %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
		}
		return out.String(), errOut.String()
	}

	// Commands whose messages are their purpose: only those messages.
	_, said := run(authtest.ClientSecret+"\n", "provider", "add", "demo", "--issuer", c.srv.URL,
		"--client-id", authtest.ClientID, "--client-secret-stdin", "--scopes", "openid profile email offline_access")
	if said != "Added provider demo. Connect with: tokentray connect demo\n" {
		t.Errorf("provider add said on stderr:\n%s", said)
	}
	_, said = run("", "connect", "demo", "--name", "Work")
	if lines := strings.Split(strings.TrimSpace(said), "\n"); len(lines) != 2 ||
		!strings.HasPrefix(lines[0], "Waiting for you to approve") || lines[1] != "Connected Work (demo)." {
		t.Errorf("connect said on stderr:\n%s", said)
	}

	for _, args := range [][]string{
		{"--version"}, {"list"}, {"list", "--json"}, {"status"}, {"provider", "list"},
		{"token", "Work"}, {"token", "Work", "--format", "json"}, {"token", "Work"},
	} {
		out, said := run("", args...)
		if args[0] == "token" {
			storetest.Secret(t, strings.TrimSpace(out))
		}
		if said != "" {
			t.Errorf("tokentray %s said on stderr:\n%s", strings.Join(args, " "), said)
		}
	}
	if n := c.srv.GrantCount("refresh_token"); n < 3 {
		t.Errorf("%d refreshes: the token commands were meant to refresh (2 s tokens)", n)
	}
}
