//go:build linux

package title_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/system/title"
	"github.com/tokentray/tokentray/ui/system/title/titletest"
)

// chromium opens u in Debian's Chromium, a real (non-headless) window on
// the test's display, and closes it at the end of the test.
func chromium(t *testing.T) func(string) error {
	return func(u string) error {
		args := []string{"--no-first-run", "--disable-background-networking", "--disable-component-update",
			"--disable-sync", "--disable-gpu", "--disable-dev-shm-usage", "--no-default-browser-check",
			"--password-store=basic", "--user-data-dir=" + t.TempDir(), "--new-window", u}
		if os.Geteuid() == 0 {
			args = append([]string{"--no-sandbox"}, args...)
		}
		c := exec.Command("chromium", args...)
		c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its helpers die with it
		if err := c.Start(); err != nil {
			return err
		}
		t.Cleanup(func() {
			syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
			c.Wait()
		})
		return nil
	}
}

// TestChromiumApproval drives Clio's desktop path in a real browser: the
// browser opens the authorize URL, the test server approves (or declines),
// the page title becomes "Success code=…" ("Failure error=…"), the watcher
// reads it from the window title, and the flow exchanges the code for a
// token that goes into the keyring. With a window manager and without.
func TestChromiumApproval(t *testing.T) {
	storetest.RequireSession(t)
	if _, err := exec.LookPath("chromium"); err != nil {
		storetest.Missing(t, "chromium", "make test-deps")
	}
	for _, withWM := range []bool{true, false} {
		name := "no-window-manager"
		if withWM {
			name = "openbox"
		}
		t.Run(name, func(t *testing.T) {
			titletest.StartXvfb(t)
			if withWM {
				titletest.StartOpenbox(t)
			}
			st := storetest.Open(t)
			srv := authtest.NewServer(t, authtest.Config{})
			p := auth.Clio("clio-test", "Clio (test)", srv.URL)
			p.ClientID, p.ClientSecret = authtest.ClientID, authtest.ClientSecret

			connect := func() (*auth.Connection, error) {
				ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
				defer cancel()
				w, err := title.Open()
				if err != nil {
					t.Fatalf("watcher: %v", err)
				}
				defer w.Close()
				approvals := make(chan string)
				fed := make(chan error, 1)
				fctx, stop := context.WithCancel(ctx)
				go func() { fed <- title.Feed(fctx, w, 100*time.Millisecond, approvals) }()
				defer func() { stop(); <-fed }()
				return auth.Connect(ctx, p, auth.ConnectOptions{Open: chromium(t), Approval: approvals, Timeout: 80 * time.Second})
			}

			conn, err := connect()
			if err != nil {
				t.Fatalf("connect through Chromium: %v", err)
			}
			storetest.Secret(t, conn.Token.AccessToken, conn.Token.RefreshToken)
			if conn.Identity.Name != "Demo User" {
				t.Errorf("identity %q", conn.Identity.Name)
			}
			if err := st.Update(context.Background(), func(tx *store.Tx) error { return tx.SaveToken("clio", conn.Token) }); err != nil {
				t.Fatal(err)
			}
			if back, err := st.LoadToken(context.Background(), "clio"); err != nil || back.AccessToken != conn.Token.AccessToken {
				t.Fatalf("keyring round trip: %v", err)
			}

			srv.SetDecision(authtest.Deny)
			if _, err := connect(); !errors.Is(err, auth.ErrDeclined) {
				t.Errorf("declined in Chromium: %v", err)
			}
		})
	}
}
