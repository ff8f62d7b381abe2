//go:build linux

package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/cli"
)

// TestTokenFromRunningApp: while the desktop app runs for the same store,
// `tokentray token` gets its token from it (shown by a command line that
// cannot reach the keyring at all: its D-Bus address leads nowhere) — the
// same token, the same errors in the same words and exit codes; never for
// another store; never the refresh token (--format wrapper goes to the
// keyring itself); and once the app is gone, from the store again.
func TestTokenFromRunningApp(t *testing.T) {
	c := newCLI(t, authtest.Config{})
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir()) // this test's instance directory, for the app and the commands
	c.ok(authtest.ClientSecret+"\n", "provider", "add", "demo", "--issuer", c.srv.URL,
		"--client-id", authtest.ClientID, "--client-secret-stdin", "--scopes", "openid profile email offline_access")
	c.ok("", "connect", "demo", "--name", "Work")
	direct := strings.TrimSpace(c.ok("", "token", "Work"))
	storetest.Secret(t, direct)
	unknownDirect := c.run("", "token", "Nobody")

	stop := serveTokens(t, c.dir)
	noKeyring := []string{"DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent"}
	r := c.runWith(strings.NewReader(""), noKeyring, "token", "Work")
	if r.code != 0 || strings.TrimSpace(r.out) != direct || r.errOut != "" {
		t.Fatalf("token from the app: exit %d, same token %v, stderr %q", r.code, strings.TrimSpace(r.out) == direct, r.errOut)
	}
	var j struct {
		AccessToken string   `json:"access_token"`
		Scopes      []string `json:"scopes"`
	}
	r = c.runWith(strings.NewReader(""), noKeyring, "token", "Work", "--format", "json")
	if json.Unmarshal([]byte(r.out), &j); r.code != 0 || j.AccessToken != direct || len(j.Scopes) == 0 {
		t.Errorf("json from the app: exit %d, %+v", r.code, j.Scopes)
	}
	if r := c.runWith(strings.NewReader(""), noKeyring, "token", "Nobody"); r.code != unknownDirect.code || r.errOut != unknownDirect.errOut {
		t.Errorf("unknown account from the app: exit %d %q; from the store: exit %d %q", r.code, r.errOut, unknownDirect.code, unknownDirect.errOut)
	}
	if r := c.runWith(strings.NewReader(""), noKeyring, "token", "Work", "--format", "wrapper", "--include-refresh-token"); r.code != cli.ExitKeyring {
		t.Errorf("--format wrapper without a keyring: exit %d, want %d (the app never hands out the refresh token)", r.code, cli.ExitKeyring)
	}
	other := newCLI(t, authtest.Config{})
	if r := other.runWith(strings.NewReader(""), noKeyring, "token", "Work"); r.code == 0 || strings.Contains(r.out, direct) {
		t.Errorf("another store's command got this app's token: exit %d", r.code)
	}

	stop()
	if tok := strings.TrimSpace(c.ok("", "token", "Work")); tok != direct {
		t.Error("after the app ended, the store gives another token")
	}
}
