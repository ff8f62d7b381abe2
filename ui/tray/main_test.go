package tray

import (
	"os"
	"testing"

	"github.com/tokentray/tokentray/auth/authtest"
)

// TestMain lets the test binary play the user's browser (a headless
// visitor) for the app under test. The end-to-end tests (Linux) make it
// the built app's browser; elsewhere, and in every other run, it only runs
// the tests.
func TestMain(m *testing.M) {
	authtest.ActAsBrowser()
	os.Exit(m.Run())
}
