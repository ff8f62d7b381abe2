package cli_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/cli"
)

// TestGatewayCommands: the gateway is off until turned on; on, status,
// key, a new key, allow and off say what they did; `gateway run` serves in
// the foreground, where a tool with the key reads an account's API (here
// the provider's userinfo) and a tool without it is refused, and Ctrl+C
// ends it cleanly.
func TestGatewayCommands(t *testing.T) {
	c := newCLI(t, authtest.Config{})
	c.ok(authtest.ClientSecret+"\n", "provider", "add", "demo", "--issuer", c.srv.URL, "--client-id", authtest.ClientID,
		"--client-secret-stdin", "--scopes", "openid profile email offline_access", "--api-base", c.srv.URL+"/oauth2")
	c.ok("", "connect", "demo", "--name", "Work")

	var st struct {
		On      bool   `json:"on"`
		Address string `json:"address"`
	}
	if err := json.Unmarshal([]byte(c.ok("", "gateway", "status", "--json")), &st); err != nil || st.On || st.Address != "http://127.0.0.1:8765" {
		t.Errorf("status before on: %+v, %v; want off at http://127.0.0.1:8765", st, err)
	}
	if out := c.ok("", "gateway", "on"); !strings.Contains(out, "http://127.0.0.1:8765/ACCOUNT/") {
		t.Errorf("gateway on says %q", out)
	}
	key := strings.TrimSpace(c.ok("", "gateway", "key"))
	storetest.Secret(t, key)
	if len(key) < 43 || strings.TrimSpace(c.ok("", "gateway", "key")) != key {
		t.Fatalf("gateway key: %d characters, or not the same twice", len(key))
	}
	newKey := strings.TrimSpace(c.ok("", "gateway", "key", "--new"))
	storetest.Secret(t, newKey)
	if newKey == key || len(newKey) < 43 {
		t.Error("gateway key --new gave no new key")
	}
	if out := c.ok("", "gateway", "allow", "Work", "--changes", "on"); !strings.Contains(out, "allowed: yes") {
		t.Errorf("allow --changes on says %q", out)
	}
	if r := c.run("", "gateway", "allow", "Work", "--changes", "maybe"); r.code != cli.ExitUsage {
		t.Errorf("--changes maybe: exit %d %s", r.code, r.errOut)
	}
	if out := c.ok("", "gateway", "off"); !strings.Contains(out, "off") {
		t.Errorf("gateway off says %q", out)
	}

	// gateway run, on a port of the test's.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	run := c.command("gateway", "run", "--port", port)
	stderr, err := run.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	defer run.Process.Kill()
	lines := bufio.NewScanner(stderr)
	var said string
	for lines.Scan() {
		if said = lines.Text(); strings.Contains(said, "serves at") {
			break
		}
	}
	if want := "http://127.0.0.1:" + port; !strings.Contains(said, want) {
		t.Fatalf("gateway run said %q, want its address %s", said, want)
	}
	var logged strings.Builder
	done := make(chan struct{})
	go func() { // the request log, read to the end
		defer close(done)
		for lines.Scan() {
			logged.WriteString(lines.Text() + "\n")
		}
	}()

	get := func(key string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+port+"/Work/userinfo", nil)
		if key != "" {
			req.SetBasicAuth("powerquery", key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if code, body := get(newKey); code != http.StatusOK || !strings.Contains(body, "Demo User") {
		t.Errorf("through the gateway with the key: %d %s", code, body)
	}
	if code, _ := get(key); code != http.StatusUnauthorized {
		t.Errorf("with the old key: %d, want 401", code)
	}
	if code, _ := get(""); code != http.StatusUnauthorized {
		t.Errorf("without a key: %d, want 401", code)
	}

	if runtime.GOOS == "windows" {
		run.Process.Kill() // no Ctrl+C to send to a process without a console
		run.Wait()
	} else {
		run.Process.Signal(os.Interrupt)
		if err := run.Wait(); err != nil {
			t.Errorf("gateway run after Ctrl+C: %v", err)
		}
	}
	<-done
	if !strings.Contains(logged.String(), "path=/userinfo status=200") {
		t.Errorf("the request log lacks the call:\n%s", logged.String())
	}
	if strings.Contains(logged.String(), newKey) || strings.Contains(logged.String(), "Bearer") {
		t.Errorf("the request log holds a secret")
	}
}
