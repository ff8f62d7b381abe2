//go:build !windows

package instance

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkLeftover: a killed instance leaves its socket file behind (and its
// lock file, unlocked by the kernel).
func checkLeftover(t *testing.T, dir string) {
	t.Helper()
	for _, f := range []string{"instance.sock", "instance.lock"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Fatalf("the crash left no %s to clean up: %v", f, err)
		}
	}
}

// TestEndpointIsPrivate: the directory is 0700 (made so even if it was
// not), the lock file 0600, and a client reads nothing back.
func TestEndpointIsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	g := mustClaim(t, dir)
	shows, _ := serve(t, context.Background(), g)
	for f, want := range map[string]os.FileMode{".": 0o700, "instance.lock": 0o600} {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", f, got, want)
		}
	}
	c, err := dial(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, showCommand)
	await(t, shows, "show")
	got, err := io.ReadAll(c.(io.Reader))
	if len(got) != 0 {
		t.Fatalf("the socket handed out %q (%v)", got, err)
	}
}

// TestCloseReportsStartsFailure: when the endpoint fails while Start's
// goroutine serves (here its socket stops accepting), that goroutine ends,
// and its owner, Close, returns the failure.
func TestCloseReportsStartsFailure(t *testing.T) {
	g := mustClaim(t, t.TempDir())
	g.Start(func() {})
	g.ep.ln.SetDeadline(longAgo) // Accept fails, and serve was not stopped
	g.serving.Wait()             // the goroutine ended by itself
	if err := g.Close(); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Close: %v, want the serving goroutine's failure", err)
	}
}

// TestSocketPathIsShortForAnyFolder: under a usual XDG_RUNTIME_DIR, the
// instance socket's path is as short for a config folder with a long path
// as for any other: far under the 108 bytes of a unix socket address.
func TestSocketPathIsShortForAnyFolder(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", "/run/user/4294967294")
	for _, dir := range []string{"/c", "/" + strings.Repeat("a-long-folder-name/", 20)} {
		if sock := filepath.Join(Dir(dir), "instance.sock"); len(sock) > 70 {
			t.Errorf("%s: %d bytes", sock, len(sock))
		}
	}
}
