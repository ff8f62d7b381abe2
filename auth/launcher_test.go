//go:build linux

package auth_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store/storetest"
)

// TestMain lets the test binary play the user's browser for the launcher
// scripts below (TOKENTRAY_ROLE=browser URL).
func TestMain(m *testing.M) {
	authtest.ActAsBrowser()
	os.Exit(m.Run())
}

// launcher puts an xdg-open on PATH, alone, for the system-browser path
// (github.com/pkg/browser runs the first of xdg-open, x-www-browser,
// www-browser it finds) that runs script with $TESTBIN set to this test
// binary.
func launcher(t *testing.T, script string) {
	dir := t.TempDir()
	body := "#!/bin/sh\nTESTBIN=" + fmt.Sprintf("%q", os.Args[0]) + "\n" + script
	if err := os.WriteFile(filepath.Join(dir, "xdg-open"), []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
}

// connectAside runs Connect with the system browser (no Open hook) on a
// goroutine and returns its result channel.
func connectAside(e *env, p auth.Provider, opts auth.ConnectOptions) <-chan error {
	done := make(chan error, 1)
	go func() {
		conn, err := auth.Connect(e.ctx, p, opts)
		if err == nil {
			storetest.Secret(e.t, conn.Token.AccessToken, conn.Token.RefreshToken)
		}
		done <- err
	}()
	return done
}

// TestLauncherThatDoesNotReturn: xdg-open, as it does where it starts the
// browser's first window itself, returns only when that window closes;
// here it follows the sign-in like a browser, then stays until the test
// ends. Connect must complete meanwhile (the redirect is served while the
// launcher runs, and the launcher is not waited for).
func TestLauncherThatDoesNotReturn(t *testing.T) {
	e := newEnv(t, authtest.Config{})
	p := withClient(auth.Generic(e.srv.URL+authtest.PathAuthorize, e.srv.URL+authtest.PathToken), authtest.ClientID, authtest.ClientSecret)
	fifo := filepath.Join(t.TempDir(), "window")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	launcher(t, fmt.Sprintf("TOKENTRAY_ROLE=browser \"$TESTBIN\" \"$1\" || exit 1\nread _ < %q # the browser window stays open\n", fifo))
	t.Cleanup(func() { // close the window: the launcher ends
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	})
	opts := auth.ConnectOptions{Logger: e.logger(), Timeout: 60 * time.Second,
		OpenFailed: func(string, error) { t.Error("the launcher was reported as failed") }}
	select {
	case err := <-connectAside(e, p, opts):
		if err != nil {
			t.Fatalf("connect while the launcher still runs: %v", err)
		}
	case <-e.ctx.Done():
		t.Fatal("Connect did not return while the launcher still ran")
	}
}

// TestLauncherThatFails: no browser can be started (xdg-open fails, as it
// does with no browser installed or Chromium refusing to run as root).
// Connect says so through OpenFailed with the address, goes on waiting,
// and completes when the user opens the address by hand.
func TestLauncherThatFails(t *testing.T) {
	e := newEnv(t, authtest.Config{})
	p := withClient(auth.Generic(e.srv.URL+authtest.PathAuthorize, e.srv.URL+authtest.PathToken), authtest.ClientID, authtest.ClientSecret)
	launcher(t, "echo 'xdg-open: no method available for opening' >&2\nexit 3\n")
	link := make(chan string, 1)
	opts := auth.ConnectOptions{Logger: e.logger(), Timeout: 60 * time.Second,
		OpenFailed: func(u string, err error) { link <- u }}
	done := connectAside(e, p, opts)
	var u string
	select {
	case u = <-link:
	case err := <-done:
		t.Fatalf("Connect ended before saying the browser failed: %v", err)
	}
	if _, err := authtest.Visit(e.ctx, u); err != nil { // the user opens the link
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("connect after the link was opened by hand: %v", err)
	}
	if !strings.Contains(e.log.String(), "the browser could not be opened") {
		t.Error("the failed launcher was not logged")
	}
}
