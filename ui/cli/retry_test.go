package cli_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/cli"
)

// TestTokenRetriesPassingFailures: a script's `tokentray token` whose token
// must be refreshed while the provider hiccups (two 503s, then a 429 with
// Retry-After: 1) keeps trying, with backoff, within its --retry-for
// budget (15 s by default), and prints a good token; with --retry-for 0 it
// fails at the first hiccup; a Retry-After longer than the budget is not
// waited for. Every failure is said in plain words.
func TestTokenRetriesPassingFailures(t *testing.T) {
	c := newCLI(t, authtest.Config{AccessTokenLifespan: time.Minute}) // shorter than --min-valid: every call refreshes
	px := authtest.NewProxy(t, c.srv.URL)
	c.ok(authtest.ClientSecret+"\n", "provider", "add", "demo", "--auth-url", c.srv.URL+authtest.PathAuthorize,
		"--token-url", px.URL+authtest.PathToken, "--client-id", authtest.ClientID, "--client-secret-stdin",
		"--scopes", "openid profile email offline_access")
	c.ok("", "connect", "demo", "--name", "Work")

	px.Inject(authtest.PathToken, authtest.FaultStatus(503, ""), authtest.FaultStatus(503, ""), authtest.FaultStatus(429, "1"))
	r := c.run("", "token", "Work")
	tok := strings.TrimSpace(r.out)
	storetest.Secret(t, tok)
	if r.code != 0 || !c.srv.Accepts(context.Background(), tok) {
		t.Fatalf("token through two 503s and a 429: exit %d, token accepted %v\n%s", r.code, c.srv.Accepts(context.Background(), tok), r.errOut)
	}
	if n := px.Pending(authtest.PathToken); n != 0 {
		t.Errorf("%d injected failures never reached: the command did not retry", n)
	}

	for _, tc := range []struct {
		what  string
		fault authtest.Fault
		args  []string
	}{
		{"with --retry-for 0", authtest.FaultStatus(503, ""), []string{"--retry-for", "0"}},
		{"with a Retry-After beyond the budget", authtest.FaultStatus(429, "60"), nil},
	} {
		px.Inject(authtest.PathToken, tc.fault)
		r := c.run("", append([]string{"token", "Work"}, tc.args...)...)
		if r.code != cli.ExitError || r.out != "" || !strings.Contains(r.errOut, "provider") || strings.Contains(r.errOut, "{") {
			t.Errorf("%s: exit %d, stdout %d bytes, stderr %q", tc.what, r.code, len(r.out), r.errOut)
		}
		if n := px.Pending(authtest.PathToken); n != 0 {
			t.Errorf("%s: the failure never reached the provider", tc.what)
		}
	}
}

// TestConnectWithoutClientID: the client ID was set for Clio's US region,
// and the user connects Europe: the command says, by name, that Clio
// (Europe) has no client ID yet and where to enter it, rather than that
// the provider refused the settings.
func TestConnectWithoutClientID(t *testing.T) {
	c := newCLI(t, authtest.Config{})
	c.ok(authtest.ClientSecret+"\n", "provider", "set", "clio-us", "--base-url", c.srv.URL,
		"--client-id", authtest.ClientID, "--client-secret-stdin")
	r := c.run("", "connect", "clio", "--region", "eu")
	if r.code != cli.ExitError || !strings.Contains(r.errOut, "Clio (Europe) has no client ID yet") ||
		!strings.Contains(r.errOut, "tokentray provider set clio-eu --client-id") || strings.Contains(r.errOut, "refused") {
		t.Errorf("connect without a client ID: exit %d\n%s", r.code, r.errOut)
	}
}
