//go:build linux

package tray

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/policy"
	"github.com/tokentray/tokentray/ui/system/title/titletest"
)

// TestManagedWindow: the demo app in a real window under Xvfb, on a
// machine where the firm's IT set Clio (Europe) up in the policy file
// (TOKENTRAY_POLICY_FILE, as /etc/tokentray/policy.json): the client ID
// and secret, who manages Tokentray, Clio alone offered. The window is
// taken as it opens (managed.png: the start screen offers Clio, the line
// says who manages it); then, with the keyboard alone, Tab to Connect an
// account…, Enter, Shift+Tab to the provider, Right to Clio (Europe, the
// one region offered, is chosen), Enter: the browser opens at once, no
// client ID asked, and the account is connected.
func TestManagedWindow(t *testing.T) {
	skipShort(t)
	storetest.RequireSession(t)
	for _, tool := range []string{"import", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			storetest.Missing(t, tool, "make test-deps")
		}
	}
	titletest.StartXvfbSize(t, "1400x1300")
	srv := authtest.NewServer(t, authtest.Config{UserName: "Firm Paralegal"})
	a := buildDemoApp(t)
	// Clio (Europe) at the test server, no client set (as the MSI or a
	// package leaves it); then IT's policy.
	a.run(t, "provider", "set", "clio-eu", "--base-url", srv.URL, "--redirect", "loopback")
	file := filepath.Join(a.dir, "policy.json")
	pol := fmt.Sprintf(`{"ManagedBy": "Example LLP IT", "ClioRegion": "eu", "ClioClientID": %q, "ClioClientSecret": %q,
		"AllowedProviders": "clio-eu"}`, authtest.ClientID, authtest.ClientSecret)
	if err := os.WriteFile(file, []byte(pol), 0o644); err != nil {
		t.Fatal(err)
	}
	a.env = append(a.env, policy.FileEnv+"="+file)
	startTrayHost(t)
	x := watchDisplay(t)
	a.start(t)
	win := x.waitWindow(t, "Tokentray")
	win.followDrawing(t)
	shot := settledShot(t, x, win, a.dir, "managed.png")
	keepShot(t, "managed.png", shot)

	xdo := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("xdotool", args...).CombinedOutput(); err != nil {
			t.Fatalf("xdotool %v: %v\n%s", args, err, out)
		}
	}
	xdo("windowfocus", "--sync", fmt.Sprint(win.id))
	xdo("key", "--delay", "100", "Tab", "Return")
	x.wait(t, "the connect dialog", func() bool {
		return !samePixels(t, windowShot(t, x, win, a.dir, "dialog.png"), shot)
	})
	xdo("key", "--delay", "100", "shift+Tab", "Right")
	keepShot(t, "connect-managed.png", settledShot(t, x, win, a.dir, "connect-managed.png"))
	xdo("key", "Return")
	acct := waitAccount(t, a, x, "a Clio account connected by the keyboard", func(map[string]any) bool { return true })
	if acct["provider"] != "clio-eu" || acct["state"] != "ok" {
		t.Fatalf("the account connected with the policy's client: %v", acct)
	}
}
