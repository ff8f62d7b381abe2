package accounts

import "testing"

// TestKeyringService: Open's keyring service is the caller's, else
// KeyringServiceEnv's in the test session only, else the store's default
// (""): a user's environment never moves their tokens.
func TestKeyringService(t *testing.T) {
	t.Setenv(KeyringServiceEnv, "tokentray-elsewhere")
	t.Setenv("TOKENTRAY_TEST_SESSION", "")
	if got := keyringService(Options{}); got != "" {
		t.Errorf("outside the test session: service %q, want the default", got)
	}
	t.Setenv("TOKENTRAY_TEST_SESSION", "1")
	if got := keyringService(Options{}); got != "tokentray-elsewhere" {
		t.Errorf("in the test session: service %q, want %s's", got, KeyringServiceEnv)
	}
	if got := keyringService(Options{Service: "mine"}); got != "mine" {
		t.Errorf("Options.Service mine: service %q", got)
	}
}
