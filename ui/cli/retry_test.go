package cli_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store"
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

// TestDisconnectWithLockedKeyring: with the keyring locked, disconnect
// cannot read the token to revoke it; it keeps the account (whose access
// would otherwise stay live at the provider with nothing left to end it)
// and says what to fix. Once the keyring is unlocked, disconnect revokes.
func TestDisconnectWithLockedKeyring(t *testing.T) {
	storetest.LinuxOnly(t, "locks a gnome-keyring on a private D-Bus; Windows' Credential Manager has no lock of its own")
	c := newCLI(t, authtest.Config{})
	kr := storetest.StartKeyring(t) // a keyring of this test's own, to lock
	run := func(args ...string) result { return c.runWith(strings.NewReader(""), kr.Env, args...) }
	if r := c.runWith(strings.NewReader(authtest.ClientSecret+"\n"), kr.Env, "provider", "add", "demo", "--issuer", c.srv.URL,
		"--client-id", authtest.ClientID, "--client-secret-stdin", "--scopes", "openid profile email offline_access"); r.code != 0 {
		t.Fatalf("provider add: %s", r.errOut)
	}
	if r := run("connect", "demo", "--name", "Work"); r.code != 0 {
		t.Fatalf("connect: %s", r.errOut)
	}
	r := run("token", "Work")
	tok := strings.TrimSpace(r.out)
	storetest.Secret(t, tok)

	kr.Lock()
	r = run("disconnect", "Work")
	if r.code != cli.ExitKeyring || !strings.Contains(r.errOut, "locked") || !strings.Contains(r.errOut, "The account was kept") {
		t.Errorf("disconnect with the keyring locked: exit %d\n%s", r.code, r.errOut)
	}
	if r := run("list"); !strings.Contains(r.out, "Work") {
		t.Errorf("the account is gone after a disconnect that could not revoke:\n%s", r.out)
	}
	if !c.srv.Accepts(context.Background(), tok) {
		t.Error("the grant was revoked although the keyring was locked")
	}

	kr.Stop()
	kr.Start() // unlocked again
	if r := run("disconnect", "Work"); r.code != 0 {
		t.Fatalf("disconnect once unlocked: exit %d\n%s", r.code, r.errOut)
	}
	if c.srv.Accepts(context.Background(), tok) {
		t.Error("the provider still accepts the token after disconnect")
	}
}

// TestDisconnectUntoldProvider: Anthropic offers no way to end a sign-in
// from Tokentray; disconnect removes the account from this computer and
// says, by name, that Anthropic was not told — not "Disconnected".
func TestDisconnectUntoldProvider(t *testing.T) {
	c := newCLI(t, authtest.Config{AccessTokenLifespan: 8 * time.Hour})
	c.ok("", "provider", "set", "anthropic", "--base-url", c.srv.URL)
	issued, err := c.srv.IssueTokens(context.Background(), "user:inference")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Secret(t, issued.AccessToken, issued.RefreshToken)
	c.ok(fmt.Sprintf(`{"access_token":%q,"refresh_token":%q,"expires_at":%d}`, issued.AccessToken, issued.RefreshToken,
		time.Now().Add(8*time.Hour).UnixMilli()), "import", "anthropic", "--name", "claude")
	r := c.run("", "disconnect", "claude")
	if r.code != 0 || !strings.Contains(r.errOut, "Removed claude from this computer; Anthropic (Claude) was not told") ||
		strings.Contains(r.errOut, "Disconnected") {
		t.Errorf("disconnect: exit %d\n%s", r.code, r.errOut)
	}
	if out := c.ok("", "list"); strings.Contains(out, "claude") {
		t.Errorf("the account is still listed:\n%s", out)
	}
}

// TestDisconnectClioExpiredToken: a Clio account whose access token has
// run out (7 days unused) is disconnected: Clio ends only the access token
// it is sent and answers 401 to an expired one, so disconnect refreshes
// first and deauthorizes the fresh token. It then says what Clio keeps (the
// app's authorization: the refresh token still works) and where, in the
// account's region of Clio Manage, to remove it.
func TestDisconnectClioExpiredToken(t *testing.T) {
	c := newCLI(t, authtest.Config{})
	c.ok(authtest.ClientSecret+"\n", "provider", "set", "clio-eu", "--base-url", c.srv.URL,
		"--client-id", authtest.ClientID, "--client-secret-stdin")
	fifo := terminalFIFO(t)
	terminal, err := os.OpenFile(fifo, os.O_RDWR, 0) // read-write: opening does not wait for a writer
	if err != nil {
		t.Fatal(err)
	}
	defer terminal.Close()
	if r := c.runWith(terminal, []string{"TOKENTRAY_TEST_PASTE=" + fifo}, "connect", "clio", "--region", "eu", "--name", "Firm"); r.code != 0 {
		t.Fatalf("connect clio: exit %d\n%s", r.code, r.errOut)
	}
	tok := expireStoredToken(t, c.srv, c.dir, "Firm")

	r := c.run("", "disconnect", "Firm")
	want := "Disconnected Firm. Clio ended the access token Tokentray held. Clio keeps the app's authorization until you remove it: " +
		"in Clio Manage (" + c.srv.URL + "), open Settings and remove the app under the apps you have connected."
	if r.code != 0 || !strings.Contains(r.errOut, want) || strings.Contains(r.errOut, "refused") {
		t.Errorf("disconnect with an expired access token: exit %d\n%s\nwant %q", r.code, r.errOut, want)
	}
	if n := c.srv.GrantCount("refresh_token"); n != 1 {
		t.Errorf("%d refreshes before deauthorizing, want 1", n)
	}
	if !c.srv.RefreshActive(context.Background(), tok.RefreshToken) {
		t.Error("Clio's refresh token died: the message about what Clio keeps is not true of this server")
	}
	if out := c.ok("", "list"); strings.Contains(out, "Firm") {
		t.Errorf("the account is still listed:\n%s", out)
	}
}

// expireStoredToken makes account name's access token run out, at the
// server and in the store in dir (as 7 days of a switched-off computer
// would), and returns the token.
func expireStoredToken(t *testing.T, srv *authtest.Server, dir, name string) *auth.Token {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(store.Options{Dir: dir, Service: storetest.PackageService()})
	if err != nil {
		t.Fatal(err)
	}
	accts, err := st.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accts {
		if a.Name != name {
			continue
		}
		tok, err := st.LoadToken(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		storetest.Secret(t, tok.AccessToken, tok.RefreshToken)
		if err := srv.ExpireAccess(ctx, tok.AccessToken); err != nil {
			t.Fatal(err)
		}
		expired := *tok
		expired.Expiry = time.Now().Add(-time.Hour)
		a.Expiry = expired.Expiry
		if err := st.Update(ctx, func(tx *store.Tx) error { return tx.SaveToken(a.ID, &expired) }); err != nil {
			t.Fatal(err)
		}
		if err := st.Update(ctx, func(tx *store.Tx) error { return tx.PutAccount(a) }); err != nil {
			t.Fatal(err)
		}
		return tok
	}
	t.Fatalf("no account named %q", name)
	return nil
}
