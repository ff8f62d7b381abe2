package cli_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store/storetest"
)

// TestSecurityTokensStayOutOfSight: after connecting, asking for tokens and
// saving settings through the command line, every file under the config
// directory is 0600 and every directory 0700, and no token or client secret
// is readable in any of them; a command run by exec gets the token in its
// environment, never on a command line; and a crash report of a process
// holding the token (SIGQUIT's goroutine dump) does not contain it.
func TestSecurityTokensStayOutOfSight(t *testing.T) {
	c := newCLI(t, authtest.Config{})
	c.ok(authtest.ClientSecret+"\n", "provider", "add", "demo", "--issuer", c.srv.URL,
		"--client-id", authtest.ClientID, "--client-secret-stdin", "--scopes", "openid offline_access")
	c.ok("", "connect", "demo", "--name", "Work")
	tok := strings.TrimSpace(c.ok("", "token", "Work"))
	var w map[string]any
	json.Unmarshal([]byte(c.ok("", "token", "Work", "--format", "wrapper", "--include-refresh-token")), &w)
	refresh, _ := w["refresh_token"].(string)
	storetest.Secret(t, tok, refresh)
	secrets := map[string]string{"access token": tok, "refresh token": refresh, "client secret": authtest.ClientSecret}
	if tok == "" || refresh == "" {
		t.Fatal("no tokens")
	}

	files := 0
	filepath.WalkDir(c.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		info, _ := d.Info()
		switch {
		case runtime.GOOS == "windows":
			// No mode bits: the access lists are checked by the store's
			// tests (TestRoundTrip).
		case d.IsDir() && info.Mode().Perm() != 0o700:
			t.Errorf("%s: directory mode %v, want 0700", path, info.Mode().Perm())
		case !d.IsDir() && info.Mode().Perm() != 0o600:
			t.Errorf("%s: file mode %v, want 0600", path, info.Mode().Perm())
		}
		if !d.IsDir() {
			files++
			data, _ := os.ReadFile(path)
			for what, s := range secrets {
				if strings.Contains(string(data), s) {
					t.Errorf("%s holds the %s in plain text", path, what)
				}
			}
		}
		return nil
	})
	t.Logf("%d files under the config directory: all private, none holds a secret in plain text", files)
	if runtime.GOOS == "windows" {
		t.Log("SKIP on windows, the rest: it reads command lines from /proc and sends SIGQUIT")
		return
	}

	// exec: the token in the environment, not in any command line.
	sum := sha256.Sum256([]byte(tok))
	r := c.run("", "exec", "Work", "--env", "T", "--", "sh", "-c",
		`printf '%s' "$T" | sha256sum; tr '\0' ' ' </proc/$PPID/cmdline; echo; tr '\0' ' ' </proc/$$/cmdline`)
	if r.code != 0 {
		t.Fatalf("exec: exit %d: %s", r.code, r.errOut)
	}
	if !strings.HasPrefix(r.out, hex.EncodeToString(sum[:])) {
		t.Error("the command did not get the token in $T")
	}
	if strings.Contains(r.out, tok) || strings.Contains(r.errOut, tok) {
		t.Error("the token is on a command line")
	}

	// A crash report of the process holding the token.
	r = c.runWith(strings.NewReader(""), []string{"GOTRACEBACK=all"}, "exec", "Work", "--env", "T", "--",
		"sh", "-c", `kill -QUIT $PPID; exec sleep 5 </dev/null >/dev/null 2>&1`)
	if !strings.Contains(r.errOut, "goroutine ") {
		t.Fatalf("no goroutine dump after SIGQUIT (exit %d)", r.code)
	}
	for what, s := range secrets {
		if strings.Contains(r.errOut, s) {
			t.Errorf("the crash report holds the %s", what)
		}
	}
	t.Logf("SIGQUIT crash report: %d bytes, %d goroutines, no secret", len(r.errOut), strings.Count(r.errOut, "goroutine "))
}
