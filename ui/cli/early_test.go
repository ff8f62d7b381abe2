package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/cli"
)

// TestConnectWithoutClientSecret: Clio's token requests need the client
// secret, and so do a custom provider's added with --client-auth; without
// one, connect says so by the provider's name and where to enter it, in
// the user's language, before any browser is opened (the browser named
// does not exist: had it been tried, the sign-in address would be printed
// for the user to open by hand), not after the user approved.
func TestConnectWithoutClientSecret(t *testing.T) {
	c := newCLI(t, authtest.Config{})
	noBrowser := "TOKENTRAY_BROWSER=" + filepath.Join(t.TempDir(), "no-such-browser")
	c.ok("", "provider", "set", "clio-eu", "--base-url", c.srv.URL, "--client-id", authtest.ClientID)
	r := c.runWith(strings.NewReader(""), []string{noBrowser, "LC_ALL=fr_FR.UTF-8", "LANGUAGE=fr"}, "connect", "clio", "--region", "eu")
	clio := "Clio (Europe) a besoin du secret client enregistré pour Tokentray, et aucun n’est défini. " +
		"Saisissez-le dans Paramètres des fournisseurs (ou : tokentray provider set clio-eu --client-secret-stdin)"
	if runtime.GOOS == "windows" { // the language is Windows' own setting there, not LC_ALL
		clio = "Clio (Europe) needs the client secret registered for Tokentray, and none is set. " +
			"Enter it under Provider settings (or: tokentray provider set clio-eu --client-secret-stdin)"
	}
	if r.code != cli.ExitError || !strings.Contains(r.errOut, clio) {
		t.Errorf("connect Clio without its secret: exit %d\n%s", r.code, r.errOut)
	}
	if strings.Contains(r.errOut, c.srv.URL+authtest.PathClioAuthorize) {
		t.Errorf("the browser was opened without a client secret:\n%s", r.errOut)
	}

	if r := c.run("", "provider", "add", "odd", "--auth-url", c.srv.URL+authtest.PathAuthorize, "--token-url", c.srv.URL+authtest.PathToken,
		"--client-id", authtest.ClientID, "--client-auth", "jwt"); r.code != cli.ExitUsage || !strings.Contains(r.errOut, "--client-auth takes basic or post") {
		t.Errorf("--client-auth jwt: exit %d\n%s", r.code, r.errOut)
	}
	c.ok("", "provider", "add", "acme", "--name", "Acme", "--auth-url", c.srv.URL+authtest.PathAuthorize, "--token-url", c.srv.URL+authtest.PathToken,
		"--client-id", authtest.ClientID, "--client-auth", "post", "--redirect", authtest.LandingPage)
	r = c.runWith(strings.NewReader(""), []string{noBrowser, "LC_ALL=en_US.UTF-8", "LANGUAGE=en"}, "connect", "acme")
	want := "Acme needs the client secret registered for Tokentray, and none is set. Enter it under Provider settings " +
		"(or: tokentray provider set acme --client-secret-stdin), then connect again."
	if r.code != cli.ExitError || !strings.Contains(r.errOut, want) || strings.Contains(r.errOut, "refused") {
		t.Errorf("connect acme without its secret: exit %d\n%s", r.code, r.errOut)
	}
	if strings.Contains(r.errOut, c.srv.URL+authtest.PathAuthorize) {
		t.Errorf("the browser was opened without a client secret:\n%s", r.errOut)
	}
}

// TestProviderSetTokenURL: Anthropic's token URL is set whole (its path
// too, which --base-url cannot change), checked as every address is; the
// next token is refreshed there — the test server's Anthropic dialect at
// another path than the document's.
func TestProviderSetTokenURL(t *testing.T) {
	c := newCLI(t, authtest.Config{AccessTokenLifespan: 8 * time.Hour})
	r := c.run("", "provider", "set", "anthropic", "--token-url", "http://api.example.com/oauth/token")
	if r.code != cli.ExitUsage || !strings.Contains(r.errOut, "--token-url: The address “http://api.example.com/oauth/token” cannot be used") {
		t.Errorf("plain http off this computer: exit %d\n%s", r.code, r.errOut)
	}
	moved := c.srv.URL + authtest.PathAnthropicTokenMoved
	c.ok("", "provider", "set", "anthropic", "--token-url", moved)
	var ps []struct {
		ID       string `json:"id"`
		TokenURL string `json:"token_url"`
	}
	if err := json.Unmarshal([]byte(c.ok("", "provider", "list", "--json")), &ps); err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.ID == "anthropic" && p.TokenURL != moved {
			t.Errorf("provider list: anthropic's token URL is %q, want %q", p.TokenURL, moved)
		}
	}

	issued, err := c.srv.IssueTokens(context.Background(), "user:inference")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Secret(t, issued.AccessToken, issued.RefreshToken)
	c.ok(fmt.Sprintf(`{"access_token":%q,"refresh_token":%q,"expires_at":%d}`, issued.AccessToken, issued.RefreshToken,
		time.Now().Add(-time.Minute).UnixMilli()), "import", "anthropic", "--name", "claude", "--no-link")
	tok := strings.TrimSpace(c.ok("", "token", "claude"))
	storetest.Secret(t, tok)
	if tok == issued.AccessToken || c.srv.GrantCount("refresh_token") != 1 {
		t.Errorf("the expired token was not refreshed at %s (%d refreshes)", moved, c.srv.GrantCount("refresh_token"))
	}
}
