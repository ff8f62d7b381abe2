//go:build unix

package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/ui/cli"
)

// in is the environment of a command run in the language of loc (a
// POSIX locale), whatever the test's own.
func in(loc string) []string {
	return []string{"LANGUAGE=", "LC_ALL=" + loc, "LC_MESSAGES=" + loc, "LANG=" + loc}
}

// TestStatusInTheReadersLanguage: a refresh fails for a German user (the
// provider answers 503); tokentray status, run by a French user, says the
// account's last error in French — in the table, and in --json's
// last_error, with last_error_kind for programs — and in German for the
// German one: the keeper kept what happened, not a sentence. An account an
// older Tokentray left with an English sentence still shows it.
func TestStatusInTheReadersLanguage(t *testing.T) {
	c := newCLI(t, authtest.Config{AccessTokenLifespan: time.Minute}) // shorter than --min-valid: every call refreshes
	px := authtest.NewProxy(t, c.srv.URL)
	c.ok(authtest.ClientSecret+"\n", "provider", "add", "demo", "--auth-url", c.srv.URL+authtest.PathAuthorize,
		"--token-url", px.URL+authtest.PathToken, "--client-id", authtest.ClientID, "--client-secret-stdin",
		"--scopes", "openid profile email offline_access")
	id := strings.TrimSpace(c.ok("", "connect", "demo", "--name", "Work"))

	px.Inject(authtest.PathToken, authtest.FaultStatus(503, ""))
	if r := c.runWith(strings.NewReader(""), in("de_DE.UTF-8"), "token", "Work", "--retry-for", "0"); r.code != cli.ExitError || r.out != "" {
		t.Fatalf("token while the provider answers 503: exit %d, %d bytes on stdout\n%s", r.code, len(r.out), r.errOut)
	}
	const (
		english = "The provider is not answering properly right now. Tokentray will try again; nothing was lost."
		french  = "Le fournisseur ne répond pas correctement pour le moment. Tokentray réessaiera ; rien n’a été perdu."
		german  = "Der Anbieter antwortet gerade nicht richtig. Tokentray versucht es erneut; nichts ging verloren."
	)
	status := func(loc string, args ...string) string {
		t.Helper()
		r := c.runWith(strings.NewReader(""), in(loc), append([]string{"status"}, args...)...)
		if r.code != 0 {
			t.Fatalf("status under %s: exit %d\n%s", loc, r.code, r.errOut)
		}
		return r.out
	}
	for loc, want := range map[string]string{"fr_FR.UTF-8": french, "de_DE.UTF-8": german, "C.UTF-8": english} {
		if out := status(loc); !strings.Contains(out, want) || (want != english && strings.Contains(out, english)) {
			t.Errorf("status under %s:\n%s\nwant it to say %q", loc, out, want)
		}
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(status("fr_FR.UTF-8", "--json")), &rows); err != nil || len(rows) != 1 {
		t.Fatalf("status --json: %v %v", rows, err)
	}
	if rows[0]["last_error"] != french || rows[0]["last_error_kind"] != "transient" || rows[0]["state"] != "failing" {
		t.Errorf("status --json under fr_FR: last_error %q, last_error_kind %q, state %q; want %q, transient, failing",
			rows[0]["last_error"], rows[0]["last_error_kind"], rows[0]["state"], french)
	}

	// An older Tokentray's state file: its sentence is all there is.
	old := `{"status":"failing","last_error":"Clio (Europe) could not be reached."}`
	if err := os.WriteFile(filepath.Join(c.dir, "state", id+".json"), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := status("fr_FR.UTF-8"); !strings.Contains(out, "Clio (Europe) could not be reached.") {
		t.Errorf("status of an account an older Tokentray failed to refresh:\n%s", out)
	}
}
