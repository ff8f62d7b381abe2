package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/cli"
)

// redirectOf returns the redirect provider list --json shows for id.
func (c *cliEnv) redirectOf(id string) string {
	c.t.Helper()
	var ps []map[string]any
	if err := json.Unmarshal([]byte(c.ok("", "provider", "list", "--json")), &ps); err != nil {
		c.t.Fatal(err)
	}
	for _, p := range ps {
		if p["id"] == id {
			r, _ := p["redirect"].(string)
			return r
		}
	}
	c.t.Fatalf("provider list lacks %s", id)
	return ""
}

// TestConnectClioLoopback: an organisation that registered a loopback
// redirect with Clio sets it (`provider set clio-eu --redirect loopback`,
// with the preset on the test server), and connect completes through the
// loopback listener, reading nothing from the terminal. Bad redirects are
// refused in plain words and change nothing; approval brings the desktop
// page back.
func TestConnectClioLoopback(t *testing.T) {
	c := newCLI(t, authtest.Config{})
	if got := c.redirectOf("clio-eu"); got != "approval" {
		t.Fatalf("clio-eu's redirect before: %q, want approval", got)
	}
	c.ok(authtest.ClientSecret+"\n", "provider", "set", "clio-eu", "--base-url", c.srv.URL,
		"--client-id", authtest.ClientID, "--client-secret-stdin", "--redirect", "loopback")
	if got := c.redirectOf("clio-eu"); got != "http://127.0.0.1/callback" {
		t.Fatalf("clio-eu's redirect after --redirect loopback: %q", got)
	}
	if out := c.ok("", "provider", "list"); !strings.Contains(out, "REDIRECT") || !strings.Contains(out, "http://127.0.0.1/callback") {
		t.Errorf("provider list does not show the redirect:\n%s", out)
	}

	r := c.run("", "connect", "clio-eu")
	if r.code != 0 || !strings.Contains(r.errOut, "Waiting for you to approve in the browser") ||
		!strings.Contains(r.errOut, "Connected Demo User") || strings.Contains(r.errOut, "paste") {
		t.Fatalf("connect clio-eu over loopback: exit %d\n%s", r.code, r.errOut)
	}
	if got := c.srv.LastAuthorize().Get("redirect_uri"); !strings.HasPrefix(got, "http://127.0.0.1:") || !strings.HasSuffix(got, "/callback") {
		t.Errorf("redirect_uri = %q, want the loopback listener", got)
	}
	tok := strings.TrimSpace(c.ok("", "token", "Demo User"))
	storetest.Secret(t, tok)
	if !c.srv.Accepts(context.Background(), tok) {
		t.Error("the server rejects the token of the loopback connection")
	}

	for value, says := range map[string]string{
		"http://clio.firm.example/callback": "plain http is allowed only to this computer",
		"http://127.0.0.1:99999/callback":   "not a port number from 1 to 65535",
		"somewhere":                         "it is not an address",
	} {
		r := c.run("", "provider", "set", "clio-eu", "--redirect", value)
		if r.code != cli.ExitUsage || !strings.Contains(r.errOut, says) {
			t.Errorf("--redirect %s: exit %d, want 2 and %q:\n%s", value, r.code, says, r.errOut)
		}
	}
	if r := c.run("", "provider", "set", "clientcasa", "--redirect", "approval"); r.code != cli.ExitUsage || !strings.Contains(r.errOut, "only Clio") {
		t.Errorf("clientcasa --redirect approval: exit %d\n%s", r.code, r.errOut)
	}
	if got := c.redirectOf("clio-eu"); got != "http://127.0.0.1/callback" {
		t.Errorf("a refused redirect changed clio-eu's: %q", got)
	}
	c.ok("", "provider", "set", "clio-eu", "--redirect", "approval")
	if got := c.redirectOf("clio-eu"); got != "approval" {
		t.Errorf("after --redirect approval: %q", got)
	}
	// Rebasing keeps the redirect chosen.
	c.ok("", "provider", "set", "clio-eu", "--redirect", "http://127.0.0.1:8765/clio")
	c.ok("", "provider", "set", "clio-eu", "--base-url", c.srv.URL)
	if got := c.redirectOf("clio-eu"); got != "http://127.0.0.1:8765/clio" {
		t.Errorf("--base-url reset the redirect: %q", got)
	}
}

// TestConnectRedirectPage: ClientCasa with an https redirect page (as its
// production apps must have): connect asks for the address the browser
// shows; a pasted address of another attempt is refused in plain words and
// connect goes on waiting; the right one connects, and the command exits
// while its standard input is still open.
func TestConnectRedirectPage(t *testing.T) {
	c := newCLI(t, authtest.Config{})
	c.ok(authtest.ClientSecret+"\n", "provider", "set", "clientcasa", "--base-url", c.srv.URL,
		"--client-id", authtest.ClientID, "--client-secret-stdin", "--redirect", authtest.LandingPage)
	if got := c.redirectOf("clientcasa"); got != authtest.LandingPage {
		t.Fatalf("clientcasa's redirect: %q", got)
	}
	fifo := terminalFIFO(t)
	terminal, err := os.OpenFile(fifo, os.O_RDWR, 0) // held open: never at its end
	if err != nil {
		t.Fatal(err)
	}
	defer terminal.Close()
	r := c.runWith(terminal, []string{"TOKENTRAY_TEST_PASTE=" + fifo, "TOKENTRAY_TEST_PASTE_OTHER_STATE=1"}, "connect", "clientcasa")
	if r.code != 0 {
		t.Fatalf("connect clientcasa: exit %d\n%s", r.code, r.errOut)
	}
	for _, says := range []string{
		"After you approve, copy the address your browser shows and paste it here",
		"That approval belongs to an earlier attempt",
		"Tokentray is still waiting: paste the address",
		"Connected Demo User (ClientCasa).",
	} {
		if !strings.Contains(r.errOut, says) {
			t.Errorf("connect's messages lack %q:\n%s", says, r.errOut)
		}
	}
	if got := c.srv.LastAuthorize().Get("redirect_uri"); got != authtest.LandingPage {
		t.Errorf("redirect_uri = %q", got)
	}
	tok := strings.TrimSpace(c.ok("", "token", "Demo User"))
	storetest.Secret(t, tok)
	if !c.srv.Accepts(context.Background(), tok) {
		t.Error("the server rejects the token of the pasted connection")
	}
	// Standard input that ends before anything is pasted ends connect, in
	// plain words.
	r = c.runWith(strings.NewReader(""), []string{"TOKENTRAY_BROWSER=true"}, "connect", "clientcasa")
	if r.code != cli.ExitError || !strings.Contains(r.errOut, "standard input ended before the address was pasted") {
		t.Errorf("connect with no input: exit %d\n%s", r.code, r.errOut)
	}
}

// TestProfileRedirect: a connection profile's redirect is shown before it
// is saved, saved when confirmed, and a bad one is refused and changes
// nothing.
func TestProfileRedirect(t *testing.T) {
	c := newCLI(t, authtest.Config{})
	dir := t.TempDir()
	write := func(name, provider string) string {
		path := filepath.Join(dir, name+".tokentray.json")
		if err := os.WriteFile(path, []byte(`{"tokentray_profile": 1, "provider": `+provider+`}`), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := write("casa", fmt.Sprintf(`{"preset": "clientcasa", "base_url": %q, "client_id": %q, "client_secret": %q, "redirect": %q}`,
		c.srv.URL, authtest.ClientID, authtest.ClientSecret, authtest.LandingPage))
	r := c.run("y\n", "provider", "import", good)
	if r.code != 0 || !strings.Contains(r.errOut, "Redirect: "+authtest.LandingPage) ||
		!strings.Contains(r.errOut, "after you approve, copy the address your browser shows") {
		t.Fatalf("import: exit %d\n%s", r.code, r.errOut)
	}
	if got := c.redirectOf("clientcasa"); got != authtest.LandingPage {
		t.Errorf("clientcasa's redirect after the import: %q", got)
	}
	for name, provider := range map[string]string{
		"plain-http": `{"preset": "clientcasa", "client_id": "other", "redirect": "http://crm.firm.example/callback"}`,
		"approval":   `{"preset": "clientcasa", "client_id": "other", "redirect": "approval"}`,
		"bad-port":   `{"preset": "clientcasa", "client_id": "other", "redirect": "http://localhost:0/callback"}`,
		"two-ports":  `{"preset": "clientcasa", "client_id": "other", "redirect": "http://localhost:53111/callback", "redirect_port": 53112}`,
	} {
		r := c.run("y\n", "provider", "import", write(name, provider))
		if r.code != cli.ExitError || !strings.Contains(r.errOut, "redirect") || !strings.Contains(r.errOut, "Nothing was changed") {
			t.Errorf("%s: exit %d\n%s", name, r.code, r.errOut)
		}
	}
	if got := c.redirectOf("clientcasa"); got != authtest.LandingPage {
		t.Errorf("a refused profile changed clientcasa's redirect: %q", got)
	}
	// redirect_port alone still sets the loopback port.
	c.ok("y\n", "provider", "import", write("port", `{"preset": "clio-ca", "client_id": "x", "redirect": "loopback", "redirect_port": 8765}`))
	if got := c.redirectOf("clio-ca"); got != "http://127.0.0.1:8765/callback" {
		t.Errorf("clio-ca after loopback + redirect_port: %q", got)
	}
}
