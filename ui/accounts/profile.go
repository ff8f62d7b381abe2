package accounts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/ui/words"
)

// A connection profile (.tokentray.json) is what IT hands out: one provider
// — a preset with its client (and maybe a sandbox host), or a custom one by
// issuer URL or endpoints — so that users need not type settings in.
//
//	{"tokentray_profile": 1,
//	 "provider": {"preset": "clio-eu", "client_id": "…", "client_secret": "…"}}
//	{"tokentray_profile": 1,
//	 "provider": {"id": "acme", "name": "Acme", "issuer": "https://login.acme.example", "client_id": "…"}}
//	{"tokentray_profile": 1,
//	 "provider": {"preset": "clientcasa", "client_id": "…", "redirect": "https://crm.firm.example/oauth/tokentray"}}
//	{"tokentray_profile": 1,
//	 "provider": {"preset": "anthropic", "token_url": "https://auth.example.com/where/it/moved/token"}}
//
// redirect takes the words of auth.Provider.WithRedirect ("loopback",
// "http://127.0.0.1:PORT/PATH", "approval", "https://…"); redirect_port,
// the older way, sets the loopback port alone. token_url with a preset is
// its token endpoint, whole (auth.Provider.WithTokenURL: a service that
// moved it). client_auth ("basic" or "post") says that a custom provider's
// token requests need the client secret, and how it is sent. A preset
// without a browser sign-in (Anthropic) needs no client_id.
type Profile struct {
	Version  int             `json:"tokentray_profile"`
	Provider ProfileProvider `json:"provider"`
}

// ProfileProvider is the provider part of a profile.
type ProfileProvider struct {
	Preset       string   `json:"preset,omitempty"`
	BaseURL      string   `json:"base_url,omitempty"`
	ID           string   `json:"id,omitempty"`
	Name         string   `json:"name,omitempty"`
	Issuer       string   `json:"issuer,omitempty"`
	AuthURL      string   `json:"auth_url,omitempty"`
	TokenURL     string   `json:"token_url,omitempty"`
	ClientID     string   `json:"client_id"`
	ClientSecret string   `json:"client_secret,omitempty"`
	ClientAuth   string   `json:"client_auth,omitempty"`
	Scopes       []string `json:"scopes,omitempty"`
	RedirectPort int      `json:"redirect_port,omitempty"`
	Redirect     string   `json:"redirect,omitempty"`
	// APIBase is the provider's API address, where the local gateway sends
	// an account's requests (auth.Provider.APIBase).
	APIBase string `json:"api_base,omitempty"`
}

// ErrBadProfile matches (errors.Is) every profile that does not validate.
var ErrBadProfile = errors.New("not a valid Tokentray connection profile")

// ProfileError says what is wrong with a profile, in words for the user.
type ProfileError struct{ Reason string }

func (e *ProfileError) Error() string        { return "connection profile: " + e.Reason }
func (e *ProfileError) Is(target error) bool { return target == ErrBadProfile }

// Message is the plain sentence.
func (e *ProfileError) Message() string {
	return words.L("This connection profile cannot be used: {{.Reason}}. Nothing was changed; ask whoever sent it for a corrected one.",
		map[string]any{"Reason": e.Reason})
}

// badProfile is the error of a profile that does not validate; reason is
// in the user's words already.
func badProfile(reason string) error {
	return &ProfileError{Reason: reason}
}

// ParseProfile reads and strictly checks a profile: known fields only,
// version 1, exactly one way of naming the provider, https addresses (http
// only on this machine), a client ID (but for a preset without a browser
// sign-in). It changes nothing.
func ParseProfile(data []byte) (Profile, error) {
	var pr Profile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&pr); err != nil {
		return Profile{}, badProfile(words.L("it is not a profile file ({{.Why}})", map[string]any{"Why": err}))
	}
	if dec.More() {
		return Profile{}, badProfile(words.L("it has more than one JSON value"))
	}
	if pr.Version != 1 {
		return Profile{}, badProfile(words.L("it is for another version of Tokentray (tokentray_profile {{.Version}})", map[string]any{"Version": pr.Version}))
	}
	p := pr.Provider
	preset, isPreset := auth.Preset(p.Preset)
	if strings.TrimSpace(p.ClientID) == "" && !(isPreset && preset.Redirect == auth.RedirectNone) {
		return Profile{}, badProfile(words.L("it has no client_id"))
	}
	ways := 0
	// A preset's token_url is its token endpoint set whole, not another way.
	for _, set := range []bool{p.Preset != "", p.Issuer != "", p.AuthURL != "" || (p.TokenURL != "" && p.Preset == "")} {
		if set {
			ways++
		}
	}
	if ways != 1 {
		return Profile{}, badProfile(words.L("it must name the provider one way: a preset, an issuer, or auth_url and token_url"))
	}
	if p.Preset != "" {
		if !isPreset {
			return Profile{}, badProfile(words.L("it names an unknown preset “{{.Preset}}”", map[string]any{"Preset": p.Preset}))
		}
		if p.ClientAuth != "" {
			return Profile{}, badProfile(words.L("client_auth is for a custom provider: a preset's is known"))
		}
	} else {
		if p.ID == "" || !validID(p.ID) {
			return Profile{}, badProfile(words.L("a custom provider needs an id of letters, digits and dashes"))
		}
		if _, preset := auth.Preset(p.ID); preset {
			return Profile{}, badProfile(words.L("its id “{{.ID}}” is a built-in provider's", map[string]any{"ID": p.ID}))
		}
		if p.Issuer == "" && (p.AuthURL == "" || p.TokenURL == "") {
			return Profile{}, badProfile(words.L("it needs both auth_url and token_url"))
		}
		if p.ClientAuth != "" && p.ClientAuth != auth.ClientAuthBasic && p.ClientAuth != auth.ClientAuthPost {
			return Profile{}, badProfile(words.L("client_auth “{{.Value}}” is neither basic nor post", map[string]any{"Value": p.ClientAuth}))
		}
	}
	for _, u := range []string{p.BaseURL, p.Issuer, p.AuthURL, p.TokenURL, p.APIBase} {
		if u != "" && !auth.SafeURL(u) {
			return Profile{}, badProfile(words.L("the address “{{.Address}}” is not https (http is allowed only on this machine)", map[string]any{"Address": u}))
		}
	}
	if p.RedirectPort < 0 || p.RedirectPort > 65535 {
		return Profile{}, badProfile(words.L("redirect_port {{.Port}} is not a port", map[string]any{"Port": p.RedirectPort}))
	}
	if p.Redirect != "" {
		if p.RedirectPort != 0 && !strings.EqualFold(strings.TrimSpace(p.Redirect), "loopback") {
			return Profile{}, badProfile(words.L("it gives both redirect and redirect_port: put the port in the redirect address"))
		}
		if _, err := pr.base().WithRedirect(p.Redirect); err != nil {
			var re *auth.RedirectError
			if errors.As(err, &re) {
				return Profile{}, badProfile(words.L("its redirect “{{.Redirect}}” will not work: {{.Why}}", map[string]any{"Redirect": re.Value, "Why": re.Reason}))
			}
			return Profile{}, badProfile(words.L("its redirect will not work"))
		}
	}
	return pr, nil
}

// base is the provider the profile starts from, without looking anything
// up on the network: the preset (on its base URL), or for a custom
// provider, one with typed-in endpoints (discovery gives the same
// redirect settings).
func (pr Profile) base() auth.Provider {
	p := pr.Provider
	if p.Preset != "" {
		if p.BaseURL != "" {
			prov, _ := auth.PresetAt(p.Preset, p.BaseURL)
			return prov
		}
		prov, _ := auth.Preset(p.Preset)
		return prov
	}
	// Its names and typed-in endpoints alone: nothing to look up, nothing
	// to refuse.
	prov, _ := auth.Custom{ID: p.ID, Name: p.Name, AuthURL: p.AuthURL, TokenURL: p.TokenURL}.Build(context.Background(), nil)
	return prov
}

func validID(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return len(s) <= 40
}

// Summary lists what the profile would set, for the confirmation; the
// client secret is only said to be there.
func (pr Profile) Summary() string {
	p := pr.Provider
	var b strings.Builder
	switch {
	case p.Preset != "":
		preset, _ := auth.Preset(p.Preset)
		b.WriteString(words.L("Provider: {{.Provider}}", map[string]any{"Provider": preset.Name}) + "\n")
		if p.BaseURL != "" {
			b.WriteString(words.L("Host: {{.Address}}", map[string]any{"Address": p.BaseURL}) + "\n")
		}
		if p.TokenURL != "" {
			b.WriteString(words.L("Token address: {{.Address}}", map[string]any{"Address": p.TokenURL}) + "\n")
		}
	default:
		name := p.Name
		if name == "" {
			name = p.ID
		}
		b.WriteString(words.L("Provider: {{.Provider}} ({{.ID}})", map[string]any{"Provider": name, "ID": p.ID}) + "\n")
		if p.Issuer != "" {
			b.WriteString(words.L("Issuer: {{.Address}}", map[string]any{"Address": p.Issuer}) + "\n")
		} else {
			b.WriteString(words.L("Sign-in address: {{.Auth}}\nToken address: {{.Token}}", map[string]any{"Auth": p.AuthURL, "Token": p.TokenURL}) + "\n")
		}
	}
	if p.APIBase != "" {
		b.WriteString(words.L("API address (for the gateway): {{.Address}}", map[string]any{"Address": p.APIBase}) + "\n")
	}
	if p.ClientID != "" {
		b.WriteString(words.L("Client ID: {{.ClientID}}", map[string]any{"ClientID": p.ClientID}) + "\n")
	}
	if p.ClientSecret != "" {
		b.WriteString(words.L("Client secret: included (it will be sealed in your keyring)") + "\n")
	} else if pr.needsSecret() {
		b.WriteString(words.L("Client secret: needed, not included (enter it under Provider settings before connecting)") + "\n")
	}
	if len(p.Scopes) > 0 {
		b.WriteString(words.L("Scopes: {{.Scopes}}", map[string]any{"Scopes": strings.Join(p.Scopes, " ")}) + "\n")
	}
	if p.Redirect != "" {
		if prov, err := pr.base().WithRedirect(p.Redirect); err == nil {
			if p.RedirectPort != 0 {
				prov.RedirectPort = p.RedirectPort
			}
			b.WriteString(words.L("Redirect: {{.Redirect}}", map[string]any{"Redirect": prov.RedirectValue()}) + "\n  " + words.L(words.RedirectWords(prov)) + "\n")
		}
	} else if p.RedirectPort != 0 {
		b.WriteString(words.L("Redirect port: {{.Port}}", map[string]any{"Port": p.RedirectPort}) + "\n")
	}
	return b.String()
}

// ApplyProfile stores what a parsed profile says (after the user
// confirmed) and returns the provider.
func (a *App) ApplyProfile(ctx context.Context, pr Profile) (auth.Provider, error) {
	p := pr.Provider
	if p.Preset == "" {
		prov, err := pr.custom().Build(ctx, a.http)
		if err != nil {
			return auth.Provider{}, err
		}
		if prov, err = prov.WithAPIBase(p.APIBase); err != nil {
			return auth.Provider{}, fmt.Errorf("connection profile: %w", err)
		}
		return prov, a.SaveProvider(ctx, prov)
	}
	prov := pr.base()
	prov.ClientID, prov.ClientSecret = p.ClientID, p.ClientSecret
	if p.TokenURL != "" {
		var err error
		if prov, err = prov.WithTokenURL(p.TokenURL); err != nil {
			return auth.Provider{}, fmt.Errorf("connection profile: %w", err) // ParseProfile checked it
		}
	}
	if len(p.Scopes) > 0 {
		prov.Scopes = p.Scopes
	}
	if p.Redirect != "" {
		var err error
		if prov, err = prov.WithRedirect(p.Redirect); err != nil {
			return auth.Provider{}, fmt.Errorf("connection profile: %w", err) // ParseProfile checked it
		}
	}
	if p.RedirectPort != 0 {
		prov.RedirectPort = p.RedirectPort
	}
	if p.APIBase != "" {
		var err error
		if prov, err = prov.WithAPIBase(p.APIBase); err != nil {
			return auth.Provider{}, fmt.Errorf("connection profile: %w", err)
		}
	}
	return prov, a.SaveProvider(ctx, prov)
}

// needsSecret: the provider's token requests need the client secret (a
// Confidential preset, or a custom provider with client_auth).
func (pr Profile) needsSecret() bool {
	if preset, ok := auth.Preset(pr.Provider.Preset); ok {
		return preset.Confidential
	}
	return pr.Provider.ClientAuth != ""
}

// custom is the custom provider a profile names (without a preset).
func (pr Profile) custom() auth.Custom {
	p := pr.Provider
	return auth.Custom{ID: p.ID, Name: p.Name, Issuer: p.Issuer, AuthURL: p.AuthURL, TokenURL: p.TokenURL,
		ClientID: p.ClientID, ClientSecret: p.ClientSecret, ClientAuth: p.ClientAuth, Scopes: p.Scopes, Redirect: p.Redirect, RedirectPort: p.RedirectPort}
}
