package system_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/system"
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
// binary; TOKENTRAY_BROWSER is unset.
func launcher(t *testing.T, script string) {
	dir := t.TempDir()
	body := "#!/bin/sh\nTESTBIN=" + fmt.Sprintf("%q", os.Args[0]) + "\n" + script
	if err := os.WriteFile(filepath.Join(dir, "xdg-open"), []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	t.Setenv(system.BrowserEnv, "")
}

// connectAside runs Connect with the system browser (the Browser with no
// TOKENTRAY_BROWSER) on a goroutine and returns its result channel.
func connectAside(t *testing.T, ctx context.Context, srv *authtest.Server, opts auth.ConnectOptions) <-chan error {
	p := auth.Generic(srv.URL+authtest.PathAuthorize, srv.URL+authtest.PathToken)
	p.ClientID, p.ClientSecret = authtest.ClientID, authtest.ClientSecret
	b := system.NewBrowser()
	t.Cleanup(b.Close)
	opts.Open = b.Open
	done := make(chan error, 1)
	go func() {
		conn, err := auth.Connect(ctx, p, opts)
		if err == nil {
			storetest.Secret(t, conn.Token.AccessToken, conn.Token.RefreshToken)
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
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srv := authtest.NewServer(t, authtest.Config{})
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
	opts := auth.ConnectOptions{Timeout: 60 * time.Second,
		OpenFailed: func(string, error) { t.Error("the launcher was reported as failed") }}
	select {
	case err := <-connectAside(t, ctx, srv, opts):
		if err != nil {
			t.Fatalf("connect while the launcher still runs: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("Connect did not return while the launcher still ran")
	}
}

// TestLauncherThatFails: no browser can be started (xdg-open fails, as it
// does with no browser installed or Chromium refusing to run as root).
// Connect says so through OpenFailed with the address, goes on waiting,
// and completes when the user opens the address by hand.
func TestLauncherThatFails(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srv := authtest.NewServer(t, authtest.Config{})
	launcher(t, "echo 'xdg-open: no method available for opening' >&2\nexit 3\n")
	var log storetest.LogBuffer // both the flow and the test use it
	link := make(chan string, 1)
	opts := auth.ConnectOptions{Timeout: 60 * time.Second, Logger: slog.New(slog.NewTextHandler(&log, nil)),
		OpenFailed: func(u string, err error) { link <- u }}
	done := connectAside(t, ctx, srv, opts)
	var u string
	select {
	case u = <-link:
	case err := <-done:
		t.Fatalf("Connect ended before saying the browser failed: %v", err)
	}
	if _, err := authtest.Visit(ctx, u); err != nil { // the user opens the link
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("connect after the link was opened by hand: %v", err)
	}
	if !strings.Contains(log.String(), "the browser could not be opened") {
		t.Error("the failed launcher was not logged")
	}
}
