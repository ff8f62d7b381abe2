// Package storetest gives tests a store on the real keyring of the test
// session (testdata/session.sh, started by make test), and a way to declare
// the secrets a test handled so that make test can check that none of them
// reached the test output.
package storetest

import (
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/tokentray/tokentray/store"
)

// RequireSession skips the test outside the private test session, except
// under CI, where a missing session is a failure. On Windows the keyring
// is the user's Credential Manager (under Wine, the test prefix's), always
// there: no session is needed.
func RequireSession(t testing.TB) {
	t.Helper()
	if os.Getenv("TOKENTRAY_TEST_SESSION") != "" || runtime.GOOS == "windows" {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no test session: run the tests with make test (testdata/session.sh)")
	}
	t.Skip("needs the private keyring session: run make test")
}

// Open opens a store in a temporary directory on the session's real
// gnome-keyring, under a keyring service name of its own.
func Open(t testing.TB) *store.Store {
	t.Helper()
	RequireSession(t)
	s, err := store.Open(store.Options{Dir: t.TempDir(), Service: "tokentray-test-" + strings.ReplaceAll(t.Name(), "/", "-")})
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
