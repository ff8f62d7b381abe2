package accounts

import (
	"errors"
	"strings"
	"testing"

	"github.com/tokentray/tokentray/auth"
)

// FuzzParseProfile: any file opened or dropped on the window is either a
// profile that names its provider one way, with only safe addresses, and a
// summary that never shows the client secret — or a *ProfileError.
func FuzzParseProfile(f *testing.F) {
	f.Add([]byte(`{"tokentray_profile":1,"provider":{"preset":"clio-us","client_id":"abc","client_secret":"s3cr3t-value"}}`))
	f.Add([]byte(`{"tokentray_profile":1,"provider":{"id":"acme","name":"Acme","issuer":"https://login.acme.example","client_id":"x"}}`))
	f.Add([]byte(`{"tokentray_profile":1,"provider":{"id":"acme","name":"Acme","auth_url":"https://a.example/a","token_url":"http://127.0.0.1:9/t","client_id":"x","redirect_port":53111}}`))
	f.Add([]byte(`{"tokentray_profile":1,"provider":{"preset":"clio-us","issuer":"https://x.example","client_id":"x"}}`))
	f.Add([]byte(`{"tokentray_profile":1,"provider":{"id":"acme","token_url":"http://evil.example/t","auth_url":"https://a/a","client_id":"x"}}`))
	f.Add([]byte(`{"tokentray_profile":1,"provider":{"preset":"clientcasa","client_id":"x","redirect":"https://crm.example/cb"}}`))
	f.Add([]byte(`{"tokentray_profile":1,"provider":{"preset":"clio-eu","client_id":"x","redirect":"loopback","redirect_port":8765}}`))
	f.Add([]byte(`{"tokentray_profile":1,"provider":{"id":"acme","issuer":"https://a.example","client_id":"x","redirect":"http://evil.example/cb"}}`))
	f.Add([]byte(`{"tokentray_profile":1,"provider":{"preset":"anthropic","token_url":"https://auth.example/moved/token"}}`))
	f.Add([]byte(`{"tokentray_profile":1,"provider":{"id":"acme","auth_url":"https://a/a","token_url":"https://a/t","client_id":"x","client_auth":"basic"}}`))
	f.Add([]byte(`{"tokentray_profile":2}`))
	f.Add([]byte(`{"tokentray_profile":1,"provider":{"preset":"clio-us","client_id":"x"},"extra":1}`))
	f.Add([]byte(`{"tokentray_profile":1,"provider":{"preset":"clio-us","client_id":"x"}} {}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		pr, err := ParseProfile(data)
		if err != nil {
			var pe *ProfileError
			if !errors.As(err, &pe) || pe.Message() == "" {
				t.Fatalf("not a ProfileError: %v", err)
			}
			return
		}
		p := pr.Provider
		for _, u := range []string{p.BaseURL, p.Issuer, p.AuthURL, p.TokenURL} {
			if u != "" && !auth.SafeURL(u) {
				t.Fatalf("unsafe address accepted: %q", u)
			}
		}
		if preset, _ := auth.Preset(p.Preset); strings.TrimSpace(p.ClientID) == "" && preset.Redirect != auth.RedirectNone {
			t.Fatal("no client ID, and the provider has a browser sign-in")
		}
		if p.Redirect != "" {
			if _, err := pr.base().WithRedirect(p.Redirect); err != nil {
				t.Fatalf("redirect %q accepted, but it does not apply: %v", p.Redirect, err)
			}
		}
		// The summary shows the secret's text only where it comes from
		// elsewhere (another field, the summary's own words).
		if sec := p.ClientSecret; sec != "" {
			other := pr
			other.Provider.ClientSecret = "\x00"
			if strings.Contains(pr.Summary(), sec) && !strings.Contains(other.Summary(), sec) {
				t.Fatal("the summary shows the client secret")
			}
		}
	})
}
