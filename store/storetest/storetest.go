// Package storetest gives tests a store on the real keyring of the test
// session (testdata/session.sh, started by make test) under a keyring
// service name of each test's own (Service), a way to declare the secrets
// a test handled so that make test can check that none of them reached the
// test output, and a log buffer that several goroutines write (LogBuffer).
package storetest

import (
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/tokentray/tokentray/store"
)

// SkipEnv names the environment variable that turns a test's missing
// environment from a failure into a skip: TOKENTRAY_SKIP_SESSION=1.
const SkipEnv = "TOKENTRAY_SKIP_SESSION"

// RequireSession fails the test outside the private test session
// (testdata/session.sh, which sets TOKENTRAY_TEST_SESSION), naming the
// command that runs it inside one; with TOKENTRAY_SKIP_SESSION=1 it skips
// instead, saying so. On Windows the keyring is the user's Credential
// Manager (under Wine, the test prefix's), always there: no session is
// needed.
func RequireSession(t testing.TB) {
	t.Helper()
	if os.Getenv("TOKENTRAY_TEST_SESSION") != "" || runtime.GOOS == "windows" {
		return
	}
	Missing(t, "the private test session (D-Bus, gnome-keyring, Xvfb)", SessionCommand())
}

// Missing says that the test's environment lacks what, and that command
// provides it: the test fails, unless TOKENTRAY_SKIP_SESSION=1 is set
// (never under CI), in which case it skips and says so. A test never skips
// silently for want of its environment.
func Missing(t testing.TB, what, command string) {
	t.Helper()
	if os.Getenv(SkipEnv) == "1" && os.Getenv("CI") == "" {
		t.Skipf("SKIP (%s=1): needs %s; run: %s", SkipEnv, what, command)
	}
	t.Fatalf("needs %s: run: %s (or set %s=1 to skip)", what, command, SkipEnv)
}

// SessionCommand is the command, from the repository root, that runs the
// current package's tests inside the private test session, e.g.
// "./testdata/session.sh go test ./store/" (make test runs them all).
func SessionCommand() string {
	pkg := "./..."
	if wd, err := os.Getwd(); err == nil { // go test runs a test in its package's directory
		for dir := wd; ; dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				if rel, err := filepath.Rel(dir, wd); err == nil {
					pkg = "."
					if rel != "." {
						pkg = "./" + filepath.ToSlash(rel) + "/"
					}
				}
				break
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	return "./testdata/session.sh go test " + pkg
}

// Open opens a store in a temporary directory on the session's real
// gnome-keyring, under the test's keyring service name (Service).
func Open(t testing.TB) *store.Store {
	t.Helper()
	RequireSession(t)
	s, err := store.Open(store.Options{Dir: t.TempDir(), Service: Service(t)})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	return s
}

var mu sync.Mutex

// Secret declares values (tokens, codes) that must never appear in the
// test output: make test greps the output for every value declared here.
func Secret(t testing.TB, values ...string) {
	t.Helper()
	path := os.Getenv("TOKENTRAY_TEST_SECRETS")
	if path == "" {
		return
	}
	mu.Lock()
	defer mu.Unlock()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatalf("record secrets: %v", err)
	}
	defer f.Close()
	for _, v := range values {
		if len(v) >= 8 { // shorter strings would match by chance
			if _, err := f.WriteString(v + "\n"); err != nil {
				t.Fatalf("record secrets: %v", err)
			}
		}
	}
}

// LinuxOnly skips a test that exercises the Linux desktop (D-Bus, the
// Secret Service, X11) on other systems, saying why in the test output.
func LinuxOnly(t testing.TB, why string) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skipf("SKIP on %s: %s", runtime.GOOS, why)
	}
}
