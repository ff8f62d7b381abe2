package accounts

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store/storetest"
)

// TestProfileAPIBase: a connection profile sets where the gateway sends a
// provider's requests (api_base), shows it in the summary, refuses one that
// is not https (or http to this computer), and applies it.
func TestProfileAPIBase(t *testing.T) {
	pr, err := ParseProfile([]byte(`{"tokentray_profile": 1, "provider": {"preset": "anthropic", "api_base": "https://wrapper.firm.example/"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if s := pr.Summary(); !strings.Contains(s, "API address (for the gateway): https://wrapper.firm.example/") {
		t.Errorf("summary:\n%s", s)
	}
	if _, err := ParseProfile([]byte(`{"tokentray_profile": 1, "provider": {"preset": "clio-eu", "client_id": "x", "api_base": "http://api.evil.example"}}`)); !errors.Is(err, ErrBadProfile) {
		t.Errorf("plain http api_base: %v, want refused", err)
	}
	storetest.RequireSession(t)
	a, err := Open(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	p, err := a.ApplyProfile(context.Background(), pr)
	if err != nil || p.APIBase != "https://wrapper.firm.example" || !p.APIWrapper {
		t.Fatalf("applied: API base %q, wrapper %v, %v", p.APIBase, p.APIWrapper, err)
	}
	if p, err := a.Provider(context.Background(), "clio-eu"); err != nil || p.APIBase != auth.ClioHostEU {
		t.Errorf("Clio (Europe)'s API base by default: %q, %v", p.APIBase, err)
	}
}
