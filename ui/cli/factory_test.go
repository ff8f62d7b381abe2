package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/cli"
	"github.com/tokentray/tokentray/ui/words"
)

// inProcess runs commands in the test's own process through a factory:
// the config folder is a temporary one, stdin the text given, stdout and
// stderr buffers. TOKENTRAY_CONFIG_DIR names another folder, which no
// command may touch (checked when the test ends).
type inProcess struct {
	t   *testing.T
	dir string
}

func newInProcess(t *testing.T) *inProcess {
	t.Helper()
	words.Use("en") // the words compared below; the other tests run the command line as processes
	elsewhere := filepath.Join(t.TempDir(), "not-this-one")
	t.Setenv("TOKENTRAY_CONFIG_DIR", elsewhere)
	t.Cleanup(func() {
		if _, err := os.Stat(elsewhere); !os.IsNotExist(err) {
			t.Errorf("a command used TOKENTRAY_CONFIG_DIR, not the factory's folder: %v", err)
		}
	})
	return &inProcess{t: t, dir: filepath.Join(t.TempDir(), "config")}
}

// run runs the command line with args, stdin given, and returns its exit
// code, stdout and stderr.
func (p *inProcess) run(stdin string, args ...string) result {
	p.t.Helper()
	var out, errOut bytes.Buffer
	f := cli.NewFactory()
	f.IO = cli.IO{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut}
	f.ConfigDir = func() (string, error) { return p.dir, nil }
	code := cli.Run(args, f)
	return result{code, out.String(), errOut.String()}
}

// TestInProcessList: list and list --json on a config folder with no
// accounts, through the factory; only the factory's folder is made.
func TestInProcessList(t *testing.T) {
	p := newInProcess(t)
	r := p.run("", "list")
	if want := "No accounts are connected yet. Connect one with: tokentray connect PROVIDER\n"; r.code != cli.ExitOK || r.out != "" || r.errOut != want {
		t.Errorf("list: exit %d, stdout %q, stderr %q; want exit 0, no stdout, stderr %q", r.code, r.out, r.errOut, want)
	}
	r = p.run("", "list", "--json")
	if r.code != cli.ExitOK || r.out != "[]\n" || r.errOut != "" {
		t.Errorf("list --json: exit %d, stdout %q, stderr %q; want exit 0, stdout \"[]\\n\"", r.code, r.out, r.errOut)
	}
	if _, err := os.Stat(p.dir); err != nil {
		t.Errorf("the factory's config folder was not used: %v", err)
	}
	r = p.run("", "list", "extra")
	if want := "tokentray: unexpected argument “extra”\nRun “tokentray help” for usage.\n"; r.code != cli.ExitUsage || r.errOut != want {
		t.Errorf("list extra: exit %d, stderr %q; want exit 2, stderr %q", r.code, r.errOut, want)
	}
}

// TestInProcessProviders: provider add reads the client secret from the
// factory's stdin, and provider list --json shows the built-in providers
// and the new one with its sealed secret (the keyring: the test session).
func TestInProcessProviders(t *testing.T) {
	storetest.RequireSession(t)
	p := newInProcess(t)
	r := p.run(authtest.ClientSecret+"\n", "provider", "add", "inproc", "--auth-url", "https://auth.example.com/authorize",
		"--token-url", "https://auth.example.com/token", "--client-id", authtest.ClientID, "--client-secret-stdin")
	if want := "Added provider inproc. Connect with: tokentray connect inproc\n"; r.code != cli.ExitOK || r.errOut != want || r.out != "" {
		t.Fatalf("provider add: exit %d, stdout %q, stderr %q; want exit 0, stderr %q", r.code, r.out, r.errOut, want)
	}
	r = p.run("", "provider", "list", "--json")
	if r.code != cli.ExitOK {
		t.Fatalf("provider list --json: exit %d\n%s", r.code, r.errOut)
	}
	var rows []struct {
		ID        string `json:"id"`
		ClientID  string `json:"client_id"`
		HasSecret bool   `json:"has_client_secret"`
	}
	if err := json.Unmarshal([]byte(r.out), &rows); err != nil {
		t.Fatalf("provider list --json: %v\n%s", err, r.out)
	}
	listed := map[string]bool{}
	for _, row := range rows {
		listed[row.ID] = true
		if row.ID == "inproc" && (row.ClientID != authtest.ClientID || !row.HasSecret) {
			t.Errorf("inproc listed as %+v; want client ID %s and a sealed secret", row, authtest.ClientID)
		}
	}
	for _, preset := range append(auth.Presets(), auth.Provider{ID: "inproc"}) {
		if !listed[preset.ID] {
			t.Errorf("provider list --json lacks %s:\n%s", preset.ID, r.out)
		}
	}
}
