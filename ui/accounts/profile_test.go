package accounts

import (
	"errors"
	"strings"
	"testing"
)

// TestProfileRedirect: a profile's redirect takes the same words as
// `provider set --redirect` and the settings dialog, is checked strictly
// before anything is saved, and is shown in the summary.
func TestProfileRedirect(t *testing.T) {
	good := map[string]struct{ profile, summary string }{
		"clio loopback": {`{"preset": "clio-eu", "client_id": "x", "redirect": "loopback"}`,
			"Redirect: http://127.0.0.1/callback\n  Sign-in comes back to Tokentray on this computer at http://127.0.0.1/callback, on any free port."},
		"clio loopback with its port": {`{"preset": "clio-eu", "client_id": "x", "redirect": "loopback", "redirect_port": 8765}`,
			"Redirect: http://127.0.0.1:8765/callback"},
		"clio loopback address": {`{"preset": "clio-us", "client_id": "x", "redirect": "http://localhost:8765/clio"}`,
			"Redirect: http://localhost:8765/clio"},
		"clio approval on a sandbox": {`{"preset": "clio-eu", "base_url": "https://sandbox.clio.example", "client_id": "x", "redirect": "approval"}`,
			"Redirect: approval\n  Sign-in ends on Clio's approval page (https://sandbox.clio.example/oauth/approval)"},
		"clientcasa https page": {`{"preset": "clientcasa", "client_id": "x", "redirect": "https://crm.firm.example/oauth/tokentray"}`,
			"Redirect: https://crm.firm.example/oauth/tokentray\n  Sign-in ends on the web page https://crm.firm.example/oauth/tokentray: after you approve, copy the address"},
		"custom loopback": {`{"id": "acme", "issuer": "https://login.acme.example", "client_id": "x", "redirect": "http://[::1]:9000/cb"}`,
			"Redirect: http://[::1]:9000/cb"},
		"redirect_port alone": {`{"preset": "clientcasa", "client_id": "x", "redirect_port": 53112}`, "Redirect port: 53112"},
	}
	for name, c := range good {
		pr, err := ParseProfile([]byte(`{"tokentray_profile": 1, "provider": ` + c.profile + `}`))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if s := pr.Summary(); !strings.Contains(s, c.summary) {
			t.Errorf("%s: summary lacks %q:\n%s", name, c.summary, s)
		}
	}

	bad := map[string]struct{ profile, reason string }{
		"plain http":      {`{"preset": "clientcasa", "client_id": "x", "redirect": "http://crm.firm.example/cb"}`, "plain http is allowed only to this computer"},
		"approval":        {`{"preset": "clientcasa", "client_id": "x", "redirect": "approval"}`, "only Clio has an approval page"},
		"custom approval": {`{"id": "acme", "issuer": "https://login.acme.example", "client_id": "x", "redirect": "approval"}`, "only Clio"},
		"bad port":        {`{"preset": "clio-eu", "client_id": "x", "redirect": "http://127.0.0.1:65536/cb"}`, "1 to 65535"},
		"anthropic":       {`{"preset": "anthropic", "client_id": "x", "redirect": "loopback"}`, "no browser sign-in"},
		"two ports":       {`{"preset": "clio-eu", "client_id": "x", "redirect": "http://127.0.0.1:8000/cb", "redirect_port": 8001}`, "both redirect and redirect_port"},
		"page and port":   {`{"preset": "clientcasa", "client_id": "x", "redirect": "https://crm.firm.example/cb", "redirect_port": 8001}`, "both redirect and redirect_port"},
		"not a redirect":  {`{"preset": "clientcasa", "client_id": "x", "redirect": "somewhere"}`, "it is not an address"},
		"fragment":        {`{"preset": "clientcasa", "client_id": "x", "redirect": "https://crm.firm.example/cb#x"}`, "#"},
		"not a string":    {`{"preset": "clientcasa", "client_id": "x", "redirect": 53111}`, "not a profile file"},
	}
	for name, c := range bad {
		_, err := ParseProfile([]byte(`{"tokentray_profile": 1, "provider": ` + c.profile + `}`))
		var pe *ProfileError
		if !errors.As(err, &pe) || !errors.Is(err, ErrBadProfile) {
			t.Errorf("%s: got %v, want a ProfileError", name, err)
			continue
		}
		if msg := pe.Message(); !strings.Contains(msg, c.reason) || !strings.Contains(msg, "Nothing was changed") {
			t.Errorf("%s: message %q lacks %q", name, msg, c.reason)
		}
	}
}
