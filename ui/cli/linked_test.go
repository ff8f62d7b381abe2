package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/cli"
)

// claudeStandIn plays Claude Code renewing its sign-in through its own
// credentials file, as Claude Code does, with no lock shared with
// Tokentray: read the file, spend its refresh token at the token URL, write
// the new pair into the file (every other field kept). It is the test
// binary run with TOKENTRAY_ROLE=claude TOKENTRAY_CLAUDE_FILE TOKENTRAY_CLAUDE_TOKEN_URL.
func claudeStandIn() error {
	path, tokenURL := os.Getenv("TOKENTRAY_CLAUDE_FILE"), os.Getenv("TOKENTRAY_CLAUDE_TOKEN_URL")
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc map[string]map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return err
	}
	creds := doc["claudeAiOauth"]
	body, _ := json.Marshal(map[string]any{"grant_type": "refresh_token", "refresh_token": creds["refreshToken"]})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("Claude's refresh was refused (%s): its sign-in is dead", resp.Status)
	}
	var answer struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		ExpiresAt    int64  `json:"expires_at"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		return err
	}
	creds["accessToken"], creds["refreshToken"], creds["expiresAt"] = answer.AccessToken, answer.RefreshToken, answer.ExpiresAt
	out, _ := json.Marshal(doc)
	tmp := path + ".standin"
	if err := os.WriteFile(tmp, out, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// TestLinkedClaudeImport: an import from Claude Code's credentials file
// stays linked to it. Against a server that rotates both tokens on every
// refresh, Tokentray (separate CLI processes) and a second process standing
// in for Claude Code take turns renewing the one sign-in: each renewal is
// written to the file, a renewal by Claude is adopted without spending the
// pair again, and neither side is ever left holding a dead refresh token.
func TestLinkedClaudeImport(t *testing.T) {
	c := newCLI(t, authtest.Config{AccessTokenLifespan: time.Hour})
	px := authtest.NewProxy(t, c.srv.URL) // Claude, below, goes to the server directly
	c.ok("", "provider", "set", "anthropic", "--base-url", px.URL)
	ctx := context.Background()
	issued, err := c.srv.IssueTokens(ctx, "user:inference", "user:profile")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Secret(t, issued.AccessToken, issued.RefreshToken)
	dir := filepath.Join(t.TempDir(), ".claude")
	os.Mkdir(dir, 0o700)
	file := filepath.Join(dir, ".credentials.json")
	expired := time.Now().Add(-time.Minute).UnixMilli()
	os.WriteFile(file, []byte(fmt.Sprintf(`{"claudeAiOauth":{"accessToken":%q,"refreshToken":%q,"expiresAt":%d,`+
		`"scopes":["user:inference","user:profile"],"subscriptionType":"max","rateLimitTier":"default_claude_max_20x"},`+
		`"mcpOAuth":{"keep":"me"}}`, issued.AccessToken, issued.RefreshToken, expired)), 0o600)
	os.WriteFile(filepath.Join(dir, ".claude.json"), []byte(`{"oauthAccount":{"emailAddress":"ada@example.com"}}`), 0o600)

	r := c.run("", "import", "anthropic", "--file", file)
	if r.code != 0 || !strings.Contains(r.errOut, "Imported ada@example.com") || !strings.Contains(r.errOut, "stays linked to "+file) {
		t.Fatalf("import: exit %d\n%s", r.code, r.errOut)
	}
	id := strings.TrimSpace(r.out)

	type fileCreds struct {
		Claude struct {
			AccessToken, RefreshToken, SubscriptionType, RateLimitTier string
			ExpiresAt                                                  int64
		} `json:"claudeAiOauth"`
		MCP map[string]string `json:"mcpOAuth"`
	}
	readFile := func(step string) fileCreds {
		t.Helper()
		data, err := os.ReadFile(file)
		var f fileCreds
		if err == nil {
			err = json.Unmarshal(data, &f)
		}
		if err != nil {
			t.Fatalf("%s: Claude's file: %v", step, err)
		}
		storetest.Secret(t, f.Claude.AccessToken, f.Claude.RefreshToken)
		if f.Claude.RateLimitTier != "default_claude_max_20x" || f.MCP["keep"] != "me" || f.Claude.SubscriptionType != "max" {
			t.Errorf("%s: the other fields of Claude's file were not kept: %+v", step, f)
		}
		if fi, err := os.Stat(file); err == nil && runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: Claude's file is now %v, want 0600", step, fi.Mode().Perm())
		}
		return f
	}
	claudeRenews := func(step string) {
		t.Helper()
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "TOKENTRAY_ROLE=claude", "TOKENTRAY_CLAUDE_FILE="+file,
			"TOKENTRAY_CLAUDE_TOKEN_URL="+c.srv.URL+authtest.PathAnthropicToken)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: Claude Code could not renew its sign-in: %v\n%s", step, err, out)
		}
	}
	tokentrayToken := func(step string, args ...string) string {
		t.Helper()
		tok := strings.TrimSpace(c.ok("", append([]string{"token", id}, args...)...))
		storetest.Secret(t, tok)
		if !c.srv.Accepts(ctx, tok) {
			t.Fatalf("%s: Tokentray handed out a token the provider refuses", step)
		}
		return tok
	}

	for round := range 3 {
		step := fmt.Sprintf("round %d", round)
		// Tokentray renews (expired, or asked for more than a token lasts:
		// then twice) and writes the new pair into Claude's file.
		refreshes := c.srv.GrantCount("refresh_token")
		args := []string{}
		if round > 0 {
			args = []string{"--min-valid", "2h"}
		}
		tok := tokentrayToken(step+", Tokentray renews", args...)
		if got := c.srv.GrantCount("refresh_token"); got == refreshes {
			t.Fatalf("%s: Tokentray did not renew", step)
		}
		if f := readFile(step + ", after Tokentray renewed"); f.Claude.AccessToken != tok {
			t.Fatalf("%s: Tokentray's renewal was not written to Claude's file", step)
		}
		// Claude renews from the file: it works only because the file
		// holds the live pair.
		claudeRenews(step)
		f := readFile(step + ", after Claude renewed")
		// Tokentray adopts Claude's pair instead of spending its own.
		refreshes = c.srv.GrantCount("refresh_token")
		if got := tokentrayToken(step + ", after Claude renewed"); got != f.Claude.AccessToken {
			t.Errorf("%s: Tokentray did not adopt the pair Claude renewed", step)
		}
		if got := c.srv.GrantCount("refresh_token"); got != refreshes {
			t.Errorf("%s: Tokentray refreshed again (%d) instead of adopting Claude's pair", step, got-refreshes)
		}
		if !c.srv.RefreshActive(ctx, f.Claude.RefreshToken) {
			t.Fatalf("%s: the refresh token both sides hold is dead", step)
		}
	}

	// Both renew at the same moment: Claude spends the pair while
	// Tokentray's request with the same refresh token is on its way, so
	// Tokentray's is refused as spent. Tokentray then finds Claude's new
	// pair in the file and goes on with it, instead of asking to reconnect.
	px.Inject(authtest.PathAnthropicToken, authtest.Fault{Handler: func(w http.ResponseWriter, r *http.Request) {
		claudeRenews("race")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error":"invalid_grant","error_description":"OAuth token refresh failed"}`))
	}})
	tok := tokentrayToken("race", "--min-valid", "2h")
	if f := readFile("race"); f.Claude.AccessToken != tok || !c.srv.RefreshActive(ctx, f.Claude.RefreshToken) {
		t.Fatalf("race: Tokentray's sign-in and Claude's file parted ways")
	}
	claudeRenews("after the race")

	// The sign-in ends (revoked): Tokentray says to reconnect. Claude
	// signs in again (/login), writing a new pair into the file: the
	// linked account takes it up by itself, keeping its ID.
	signInAgain := func() authtest.Tokens {
		t.Helper()
		again, err := c.srv.IssueTokens(ctx, "user:inference")
		if err != nil {
			t.Fatal(err)
		}
		storetest.Secret(t, again.AccessToken, again.RefreshToken)
		os.WriteFile(file, []byte(fmt.Sprintf(`{"claudeAiOauth":{"accessToken":%q,"refreshToken":%q,"expiresAt":%d,"subscriptionType":"max","rateLimitTier":"default_claude_max_20x"},"mcpOAuth":{"keep":"me"}}`,
			again.AccessToken, again.RefreshToken, time.Now().Add(time.Hour).UnixMilli())), 0o600)
		return again
	}
	if err := c.srv.Revoke(ctx, readFile("before revoking").Claude.RefreshToken); err != nil {
		t.Fatal(err)
	}
	if r := c.run("", "token", id, "--min-valid", "2h"); r.code != cli.ExitReconnect {
		t.Fatalf("after revocation: exit %d\n%s", r.code, r.errOut)
	}
	again := signInAgain()
	if got := tokentrayToken("after Claude signed in again"); got != again.AccessToken {
		t.Errorf("after Claude signed in again: not the new sign-in")
	}

	// Re-importing into the account (what Reconnect does) keeps its ID
	// and name.
	again = signInAgain()
	r = c.run("", "import", "anthropic", "--account", "ada@example.com", "--file", file)
	if r.code != 0 || strings.TrimSpace(r.out) != id || !strings.Contains(r.errOut, "same name and ID") {
		t.Fatalf("re-import: exit %d, ID %q (want %q)\n%s", r.code, r.out, id, r.errOut)
	}
	if got := tokentrayToken("after re-import"); got != again.AccessToken {
		t.Errorf("after re-import: not the new sign-in")
	}
	var list []map[string]any
	json.Unmarshal([]byte(c.ok("", "list", "--json")), &list)
	if len(list) != 1 || list[0]["name"] != "ada@example.com" {
		t.Errorf("accounts after re-import: %v", list)
	}
}

// TestUnlinkedImportWarns: pasted credentials cannot stay linked, and the
// import says what that means for another program using them.
func TestUnlinkedImportWarns(t *testing.T) {
	c := newCLI(t, authtest.Config{})
	c.ok("", "provider", "set", "anthropic", "--base-url", c.srv.URL)
	creds := fmt.Sprintf(`{"access_token":"a","refresh_token":"r","expires_at":%d,"subscription_type":"pro"}`,
		time.Now().Add(time.Hour).UnixMilli())
	r := c.run(creds, "import", "anthropic")
	if r.code != 0 || !strings.Contains(r.errOut, "Imported Claude (pro)") ||
		!strings.Contains(r.errOut, "whichever renews it first signs the other out") {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	if r := c.run("", "import", "anthropic", "--account", "nobody", "--file", "/nonexistent"); r.code == 0 ||
		!strings.Contains(r.errOut, "credentials") {
		t.Errorf("re-import from a missing file: exit %d\n%s", r.code, r.errOut)
	}
}
