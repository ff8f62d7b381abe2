package policy_test

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/tokentray/tokentray/ui/policy"
	"github.com/tokentray/tokentray/ui/words"
)

// load reads the policy file at path: as the app does on Linux (Load,
// TOKENTRAY_POLICY_FILE naming the file), and on Windows, where the app
// reads the registry (registry_windows_test.go), as the file alone.
func load(t *testing.T, path string) *policy.Policy {
	t.Helper()
	if runtime.GOOS == "windows" {
		return policy.LoadFile(path)
	}
	t.Setenv(policy.FileEnv, path)
	return policy.Load()
}

// TestFile: every kind of value of a good policy file is read, mandatory
// and recommended apart, with nothing said against it.
func TestFile(t *testing.T) {
	p := load(t, "testdata/policy.json")
	if len(p.Problems) != 0 {
		t.Fatalf("problems with a good file: %+v", p.Problems)
	}
	if len(p.Sources) != 1 || !p.Sources[0].Found || p.Sources[0].Values != 16 {
		t.Errorf("sources %+v, want the file, found, with 16 values", p.Sources)
	}
	m := p.Mandatory
	if p.ManagedBy != "Example LLP IT" || m.Clio == nil || *m.Clio != (policy.Client{Region: "eu", ClientID: "firm-clio-id", Secret: "firm-clio-secret"}) {
		t.Errorf("managed by %q, Clio %+v", p.ManagedBy, m.Clio)
	}
	if !slices.Equal(m.AllowedProviders, []string{"clio-eu", "clientcasa", "sso"}) {
		t.Errorf("allowed providers %q", m.AllowedProviders)
	}
	if m.AllowCustomProviders == nil || *m.AllowCustomProviders || m.GatewayAllowed == nil || *m.GatewayAllowed {
		t.Errorf("custom providers %v, gateway %v: want both false (JSON false and 0)", m.AllowCustomProviders, m.GatewayAllowed)
	}
	if m.ClearClipboardSeconds == nil || *m.ClearClipboardSeconds != 20 {
		t.Errorf("clipboard %v, want 20", m.ClearClipboardSeconds)
	}
	if sso, ok := m.Providers["sso"]; !ok || sso != (policy.Custom{ID: "sso", Name: "Firm SSO", Issuer: "https://sso.example.com",
		ClientID: "tokentray", APIBase: "https://api.example.com/v1"}) {
		t.Errorf("custom providers %+v", m.Providers)
	}
	r := p.Recommended
	if r.ClientCasa == nil || r.ClientCasa.ClientID != "casa-id" || r.ClientCasa.Redirect != "loopback" {
		t.Errorf("recommended ClientCasa %+v", r.ClientCasa)
	}
	if r.Notifications == nil || *r.Notifications || r.StartAtLogin == nil || !*r.StartAtLogin || m.StartAtLogin != nil {
		t.Errorf("recommended notifications %v, start at login %v; mandatory start at login %v", r.Notifications, r.StartAtLogin, m.StartAtLogin)
	}
}

// TestBadValues: a file with a wrong type, an unknown value, an unknown
// region, a bad provider ID, a PolicyFile (a file cannot name another)
// and more: each is skipped and said, once, in plain words; everything
// else applies.
func TestBadValues(t *testing.T) {
	words.Use("en")
	p := load(t, "testdata/bad.json")
	got := map[string]policy.ProblemKind{}
	for _, pr := range p.Problems {
		if _, dup := got[pr.Name+" "+pr.Detail]; dup {
			t.Errorf("said twice: %+v", pr)
		}
		got[pr.Name+" "+pr.Detail] = pr.Kind
		if msg := pr.Message(); !strings.Contains(msg, "bad.json") || strings.Contains(msg, "%!") || strings.Contains(msg, "{{") {
			t.Errorf("problem %+v says %q: want the file named, in words", pr, msg)
		}
	}
	want := map[string]policy.ProblemKind{
		"ManagedBy string":                              policy.WrongType,
		"ClioRegion mars":                               policy.BadValue,
		"AllowedProviders not an id!":                   policy.UnknownProvider,
		"GatewayAllowed bool":                           policy.WrongType,
		"ClearClipboardSeconds -5":                      policy.BadValue,
		"Colour ":                                       policy.UnknownName,
		`Providers\clio-us clio-us`:                     policy.BadProviderID,
		`Providers\nosecure\Issuer ftp://x.example.com`: policy.BadValue,
		`Providers\ok\Shape `:                           policy.UnknownName,
		"ManagedBy ":                                    policy.NotRecommended,
		"Notifications bool":                            policy.WrongType,
		"PolicyFile ":                                   policy.RegistryOnly,
	}
	for k, kind := range want {
		if g, ok := got[k]; !ok || g != kind {
			t.Errorf("problem %q: got kind %v (said: %v), want %v", k, g, ok, kind)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d problems, want %d: %+v", len(got), len(want), p.Problems)
	}
	// The rest applies.
	m := p.Mandatory
	if !slices.Equal(m.AllowedProviders, []string{"clio-eu"}) || m.StartAtLogin == nil || !*m.StartAtLogin {
		t.Errorf("allowed %q, start at login %v: the good values must apply", m.AllowedProviders, m.StartAtLogin)
	}
	if m.Clio == nil || m.Clio.Region != "us" || m.Clio.ClientID != "firm-clio-id" {
		t.Errorf("Clio %+v: the client ID applies, in the default region, when the region is bad", m.Clio)
	}
	if _, ok := m.Providers["ok"]; !ok || len(m.Providers) != 1 {
		t.Errorf("custom providers %+v, want ok alone", m.Providers)
	}
}

// TestUnusableFiles: no file is no policy and no problem; a file that is
// not JSON, or cannot be read, is one problem and no policy.
func TestUnusableFiles(t *testing.T) {
	dir := t.TempDir()
	p := load(t, filepath.Join(dir, "none.json"))
	if p.Managed() || len(p.Problems) != 0 || len(p.Sources) != 1 || p.Sources[0].Found {
		t.Errorf("no file: %+v", p)
	}
	notJSON := filepath.Join(dir, "policy.json")
	os.WriteFile(notJSON, []byte("{\n  \"ManagedBy\": \"IT\",\n  oops\n}\n"), 0o644)
	p = load(t, notJSON)
	if p.Managed() || len(p.Problems) != 1 || p.Problems[0].Kind != policy.Syntax || p.Problems[0].Detail != "line 3, column 3" {
		t.Errorf("invalid JSON: %+v", p.Problems)
	}
	p = load(t, dir) // a folder: exists, cannot be read as a file
	if p.Managed() || len(p.Problems) != 1 || p.Problems[0].Kind != policy.Unreadable {
		t.Errorf("unreadable: %+v", p.Problems)
	}
}

// TestProblemsInFrench: what was skipped is said in the reader's language.
func TestProblemsInFrench(t *testing.T) {
	p := load(t, "testdata/bad.json")
	words.Use("fr")
	t.Cleanup(func() { words.Use("en") })
	for _, pr := range p.Problems {
		if msg := pr.Message(); strings.Contains(msg, "it was skipped") || strings.Contains(msg, "must be") {
			t.Errorf("%+v in French: %q", pr, msg)
		}
	}
}
