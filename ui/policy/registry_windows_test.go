package policy_test

import (
	"crypto/rand"
	"fmt"
	"slices"
	"testing"

	"golang.org/x/sys/windows/registry"

	"github.com/tokentray/tokentray/ui/policy"
)

// testKey is a policy key of the test's own (policy.KeyEnv), removed from
// HKLM and HKCU when the test ends.
func testKey(t *testing.T) string {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	path := fmt.Sprintf(`SOFTWARE\Policies\Tokentray-test-%x`, b)
	t.Setenv(policy.KeyEnv, path)
	t.Cleanup(func() {
		for _, root := range []registry.Key{registry.LOCAL_MACHINE, registry.CURRENT_USER} {
			deleteTree(root, path)
		}
	})
	return path
}

func deleteTree(root registry.Key, path string) {
	if k, err := registry.OpenKey(root, path, registry.READ); err == nil {
		subs, _ := k.ReadSubKeyNames(-1)
		k.Close()
		for _, s := range subs {
			deleteTree(root, path+`\`+s)
		}
	}
	registry.DeleteKey(root, path)
}

func create(t *testing.T, root registry.Key, path string) registry.Key {
	t.Helper()
	k, _, err := registry.CreateKey(root, path, registry.ALL_ACCESS)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return k
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestRegistry: HKLM's mandatory values win over HKCU's, HKCU's fill in
// what HKLM leaves; Recommended is read as defaults; a custom provider in
// Providers\ID is read; a value of the wrong registry type (a string for
// a DWORD policy, a binary value) is skipped and said, the rest applies.
func TestRegistry(t *testing.T) {
	path := testKey(t)
	lm := create(t, registry.LOCAL_MACHINE, path)
	must(t, lm.SetStringValue(policy.ManagedBy, "Example LLP IT"))
	must(t, lm.SetStringValue(policy.ClioRegion, "eu"))
	must(t, lm.SetStringValue(policy.ClioClientID, "firm-clio-id"))
	must(t, lm.SetDWordValue(policy.GatewayAllowed, 0))
	must(t, lm.SetStringsValue(policy.AllowedProviders, []string{"clio-eu", "sso"}))
	must(t, lm.SetStringValue(policy.Notifications, "1")) // a string where a DWORD belongs
	must(t, lm.SetBinaryValue(policy.StartAtLogin, []byte{1}))
	sso := create(t, registry.LOCAL_MACHINE, path+`\Providers\sso`)
	must(t, sso.SetStringValue(policy.ProviderIssuer, "https://sso.example.com"))
	must(t, sso.SetStringValue(policy.ProviderClientID, "tokentray"))
	rec := create(t, registry.LOCAL_MACHINE, path+`\Recommended`)
	must(t, rec.SetDWordValue(policy.ClearClipboardSeconds, 45))
	cu := create(t, registry.CURRENT_USER, path)
	must(t, cu.SetStringValue(policy.ManagedBy, "Someone else")) // below HKLM's
	must(t, cu.SetDWordValue(policy.AllowCustomProviders, 0))

	p := policy.Load()
	m := p.Mandatory
	if p.ManagedBy != "Example LLP IT" || m.Clio == nil || m.Clio.Region != "eu" || m.Clio.ClientID != "firm-clio-id" {
		t.Errorf("managed by %q, Clio %+v: HKLM's values", p.ManagedBy, m.Clio)
	}
	if m.GatewayAllowed == nil || *m.GatewayAllowed || m.AllowCustomProviders == nil || *m.AllowCustomProviders {
		t.Errorf("gateway %v (HKLM), custom providers %v (HKCU): want both false", m.GatewayAllowed, m.AllowCustomProviders)
	}
	if !slices.Equal(m.AllowedProviders, []string{"clio-eu", "sso"}) {
		t.Errorf("allowed providers (REG_MULTI_SZ) %q", m.AllowedProviders)
	}
	if c, ok := m.Providers["sso"]; !ok || c.ClientID != "tokentray" {
		t.Errorf("custom providers %+v", m.Providers)
	}
	if r := p.Recommended.ClearClipboardSeconds; r == nil || *r != 45 || m.ClearClipboardSeconds != nil {
		t.Errorf("recommended clipboard %v, mandatory %v", r, m.ClearClipboardSeconds)
	}
	if m.Notifications != nil || m.StartAtLogin != nil {
		t.Errorf("values of the wrong type applied: notifications %v, start at login %v", m.Notifications, m.StartAtLogin)
	}
	skipped := map[string]policy.ProblemKind{}
	for _, pr := range p.Problems {
		skipped[pr.Name] = pr.Kind
	}
	if len(skipped) != 2 || skipped[policy.Notifications] != policy.WrongType || skipped[policy.StartAtLogin] != policy.WrongType {
		t.Errorf("problems %+v, want Notifications and StartAtLogin of the wrong type", p.Problems)
	}
	found := 0
	for _, s := range p.Sources {
		if s.Found {
			found++
		}
	}
	if len(p.Sources) != 4 || found != 3 {
		t.Errorf("sources %+v: want HKLM, HKLM\\Recommended, HKCU found; HKCU\\Recommended not", p.Sources)
	}
}
