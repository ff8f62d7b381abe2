package policy_test

import (
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/windows/registry"

	"github.com/tokentray/tokentray/ui/policy"
	"github.com/tokentray/tokentray/ui/words"
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

// TestPolicyFile: HKLM's key names a policy file (PolicyFile), which is
// read right below it: the key's own ClearClipboardSeconds wins over the
// file's, the file's custom provider and recommended values apply, the
// file is listed among the sources, and a PolicyFile in the file is
// skipped (a file cannot name another). HKCU's key naming a file that is
// not there is a problem; a Recommended key's PolicyFile is skipped.
func TestPolicyFile(t *testing.T) {
	words.Use("en")
	path := testKey(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "policy.json")
	must(t, os.WriteFile(file, []byte(`{
  "ManagedBy": "Example LLP IT",
  "ClearClipboardSeconds": 20,
  "PolicyFile": "C:\\elsewhere.json",
  "Providers": {"sso": {"Name": "Firm SSO", "Issuer": "https://sso.example.com", "ClientID": "tokentray"}},
  "Recommended": {"StartAtLogin": true}
}`), 0o644))
	lm := create(t, registry.LOCAL_MACHINE, path)
	must(t, lm.SetStringValue(policy.PolicyFile, file))
	must(t, lm.SetDWordValue(policy.ClearClipboardSeconds, 45))
	rec := create(t, registry.LOCAL_MACHINE, path+`\Recommended`)
	must(t, rec.SetStringValue(policy.PolicyFile, file))
	missing := filepath.Join(dir, "missing.json")
	cu := create(t, registry.CURRENT_USER, path)
	must(t, cu.SetStringValue(policy.PolicyFile, missing))

	p := policy.Load()
	m := p.Mandatory
	if m.ClearClipboardSeconds == nil || *m.ClearClipboardSeconds != 45 {
		t.Errorf("clipboard %v: want the key's 45, not the file's 20", m.ClearClipboardSeconds)
	}
	if c, ok := m.Providers["sso"]; !ok || c.Name != "Firm SSO" || c.ClientID != "tokentray" {
		t.Errorf("custom providers %+v: want the file's sso", m.Providers)
	}
	if p.ManagedBy != "Example LLP IT" {
		t.Errorf("managed by %q: want the file's", p.ManagedBy)
	}
	if r := p.Recommended.StartAtLogin; r == nil || !*r {
		t.Errorf("recommended start at login %v: want the file's Recommended true", r)
	}
	var where []string
	for _, s := range p.Sources {
		where = append(where, s.Where)
		if s.Where == file && (!s.Found || s.Values != 7) {
			t.Errorf("the file's source %+v: want found, 7 values", s)
		}
		if s.Where == missing && s.Found {
			t.Errorf("the missing file's source %+v: found", s)
		}
	}
	lmWhere, cuWhere := `HKLM\`+path, `HKCU\`+path
	want := []string{lmWhere, file, lmWhere + `\Recommended`, cuWhere, missing, cuWhere + `\Recommended`}
	if !slices.Equal(where, want) {
		t.Errorf("sources %q, want %q (each file right below the key that names it)", where, want)
	}
	got := map[string]policy.Problem{}
	for _, pr := range p.Problems {
		got[pr.Source+" "+pr.Name] = pr
	}
	if pr, ok := got[missing+" "+policy.PolicyFile]; !ok || pr.Kind != policy.NotFound || pr.Detail != cuWhere ||
		!strings.Contains(pr.Message(), "missing.json") || !strings.Contains(pr.Message(), "not found") {
		t.Errorf("the missing file: problem %+v (%q), want NotFound named by %s", pr, pr.Message(), cuWhere)
	}
	if pr, ok := got[file+" "+policy.PolicyFile]; !ok || pr.Kind != policy.RegistryOnly {
		t.Errorf("PolicyFile in the file: problem %+v, want RegistryOnly", pr)
	}
	if pr, ok := got[lmWhere+`\Recommended `+policy.PolicyFile]; !ok || pr.Kind != policy.NotRecommended {
		t.Errorf("PolicyFile in Recommended: problem %+v, want NotRecommended", pr)
	}
	if len(p.Problems) != 3 {
		t.Errorf("problems %+v: want the three above", p.Problems)
	}
}

// TestPolicyFileBad: a PolicyFile that is no full path, or not text, is
// skipped and said; the key's other values apply; no file is read.
func TestPolicyFileBad(t *testing.T) {
	path := testKey(t)
	lm := create(t, registry.LOCAL_MACHINE, path)
	must(t, lm.SetStringValue(policy.PolicyFile, "policy.json"))
	must(t, lm.SetStringValue(policy.ManagedBy, "Example LLP IT"))
	cu := create(t, registry.CURRENT_USER, path)
	must(t, cu.SetDWordValue(policy.PolicyFile, 1))
	p := policy.Load()
	if p.ManagedBy != "Example LLP IT" || len(p.Sources) != 4 {
		t.Errorf("managed by %q, sources %+v: want the key's value, and the four keys alone", p.ManagedBy, p.Sources)
	}
	kinds := map[string]policy.ProblemKind{}
	for _, pr := range p.Problems {
		kinds[pr.Source] = pr.Kind
	}
	if len(p.Problems) != 2 || kinds[`HKLM\`+path] != policy.BadValue || kinds[`HKCU\`+path] != policy.WrongType {
		t.Errorf("problems %+v: want a relative path (HKLM) and a DWORD (HKCU) skipped", p.Problems)
	}
}
