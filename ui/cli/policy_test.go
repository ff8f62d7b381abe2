package cli_test

import (
	"strings"
	"testing"

	"github.com/tokentray/tokentray/auth/authtest"
)

// TestManagedProvider: with Clio (Europe) set up by the firm's policy, the
// command line lists it as set by the firm, refuses to change it (exit 2,
// saying who set it), keeps the gateway off as the policy says, and doctor
// names where the policy was read and the value it skipped.
func TestManagedProvider(t *testing.T) {
	c := newCLI(t, authtest.Config{})
	env := setPolicy(t, map[string]any{"ManagedBy": "Example LLP IT", "ClioRegion": "eu", "ClioClientID": "firm-clio-id",
		"ClioClientSecret": "firm-clio-secret", "GatewayAllowed": false, "Colour": "blue"})
	r := c.runWith(strings.NewReader(""), env, "provider", "list")
	if r.code != 0 || !strings.Contains(r.out, "firm-clio-id") || !strings.Contains(r.out, "Clio (Europe) (set by Example LLP IT)") {
		t.Errorf("provider list: exit %d\n%s%s", r.code, r.out, r.errOut)
	}
	if strings.Contains(r.out+r.errOut, "firm-clio-secret") {
		t.Error("provider list shows the client secret set by policy")
	}
	if !strings.Contains(r.errOut, "Colour is not a Tokentray setting") {
		t.Errorf("provider list does not say what it skipped:\n%s", r.errOut)
	}
	r = c.runWith(strings.NewReader(""), env, "provider", "set", "clio-eu", "--client-id", "mine")
	if r.code != 2 || !strings.Contains(r.errOut, "Clio (Europe) is set up by Example LLP IT: its settings cannot be changed here.") {
		t.Errorf("provider set on a provider set by policy: exit %d, want 2\n%s", r.code, r.errOut)
	}
	r = c.runWith(strings.NewReader(""), env, "gateway", "on")
	if r.code != 2 || !strings.Contains(r.errOut, "The local gateway is turned off by Example LLP IT.") {
		t.Errorf("gateway on: exit %d, want 2\n%s", r.code, r.errOut)
	}
	r = c.runWith(strings.NewReader(""), env, "doctor")
	for _, want := range []string{"managed settings: ", "Managed by Example LLP IT", "Colour is not a Tokentray setting"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("doctor does not say %q:\n%s", want, r.out)
		}
	}
}
