package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/ui/cli"
)

// clientIDOf returns the client ID provider list --json shows for id.
func (c *cliEnv) clientIDOf(id string) string {
	c.t.Helper()
	var ps []map[string]any
	if err := json.Unmarshal([]byte(c.ok("", "provider", "list", "--json")), &ps); err != nil {
		c.t.Fatal(err)
	}
	for _, p := range ps {
		if p["id"] == id {
			s, _ := p["client_id"].(string)
			return s
		}
	}
	c.t.Fatalf("provider list lacks %s", id)
	return ""
}

// TestProviderSetAndAddOnePath: provider set and provider add change
// providers through the accounts app's one path (ChangeProvider). A flag
// not given keeps its setting (the client ID, unlike the window's emptied
// field); a setting that cannot be used is a usage error that names its
// flag, in the setting's own words, and changes nothing.
func TestProviderSetAndAddOnePath(t *testing.T) {
	c := newCLI(t, authtest.Config{})
	c.ok("", "provider", "set", "clio-eu", "--base-url", c.srv.URL, "--client-id", authtest.ClientID)
	c.ok("", "provider", "set", "clio-eu", "--token-url", c.srv.URL+authtest.PathClioToken)
	if got := c.clientIDOf("clio-eu"); got != authtest.ClientID {
		t.Errorf("provider set without --client-id left client ID %q, want %q kept", got, authtest.ClientID)
	}
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"provider", "set", "clio-eu", "--api-base", "http://api.example.com"}, "--api-base: The address “http://api.example.com” cannot be used"},
		{[]string{"provider", "set", "clio-eu", "--token-url", "http://api.example.com/token"}, "--token-url: The address “http://api.example.com/token” cannot be used"},
		{[]string{"provider", "set", "clio-eu", "--redirect", "somewhere"}, "--redirect: "},
		{[]string{"provider", "add", "acme", "--auth-url", c.srv.URL + authtest.PathAuthorize, "--token-url", c.srv.URL + authtest.PathToken,
			"--client-id", authtest.ClientID, "--redirect", "somewhere"}, "--redirect: "},
		{[]string{"provider", "add", "acme", "--auth-url", c.srv.URL + authtest.PathAuthorize, "--token-url", c.srv.URL + authtest.PathToken,
			"--client-id", authtest.ClientID, "--api-base", "http://api.example.com"}, "--api-base: The address"},
	} {
		if r := c.run("", tc.args...); r.code != cli.ExitUsage || !strings.Contains(r.errOut, tc.says) {
			t.Errorf("%s: exit %d, want %d and %q:\n%s", strings.Join(tc.args, " "), r.code, cli.ExitUsage, tc.says, r.errOut)
		}
	}
	if got := c.clientIDOf("clio-eu"); got != authtest.ClientID {
		t.Errorf("a refused provider set changed the client ID to %q", got)
	}
	if out := c.ok("", "provider", "list"); strings.Contains(out, "acme") {
		t.Errorf("a refused provider add stored the provider:\n%s", out)
	}

	c.ok("", "provider", "add", "acme", "--auth-url", c.srv.URL+authtest.PathAuthorize, "--token-url", c.srv.URL+authtest.PathToken,
		"--client-id", authtest.ClientID)
	if r := c.run("", "provider", "set", "acme", "--base-url", c.srv.URL); r.code != cli.ExitUsage ||
		!strings.Contains(r.errOut, "--base-url applies to built-in providers only") {
		t.Errorf("provider set acme --base-url: exit %d\n%s", r.code, r.errOut)
	}
}
