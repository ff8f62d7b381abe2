package auth

import (
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Clio's regional hosts, one per region, as Clio's "Authorization"
// documentation lists them.
const (
	ClioHostUS = "https://app.clio.com"
	ClioHostCA = "https://ca.app.clio.com"
	ClioHostEU = "https://eu.app.clio.com"
	ClioHostAU = "https://au.app.clio.com"
)

// ClioRegion is one of Clio's regions: each has a host of its own, and a
// preset ("clio-" + Code).
type ClioRegion struct {
	Code  string // "us", "ca", "eu", "au": tokentray connect clio --region
	Label string // "United States": its name in English (ui/words says it in the user's language)
	Host  string // ClioHostUS, …
}

// PresetID is the ID of the region's preset ("clio-eu").
func (r ClioRegion) PresetID() string { return "clio-" + r.Code }

// ClioRegions lists Clio's regions, the default (the United States) first.
func ClioRegions() []ClioRegion {
	return []ClioRegion{
		{"us", "United States", ClioHostUS},
		{"ca", "Canada", ClioHostCA},
		{"eu", "Europe", ClioHostEU},
		{"au", "Australia", ClioHostAU},
	}
}

// ClioRegionOf returns the region of a Clio preset ID ("clio-eu"); false
// for any other provider.
func ClioRegionOf(presetID string) (ClioRegion, bool) {
	for _, r := range ClioRegions() {
		if presetID == r.PresetID() {
			return r, true
		}
	}
	return ClioRegion{}, false
}

// ClioRegionByCode returns the region with that code ("eu").
func ClioRegionByCode(code string) (ClioRegion, bool) {
	for _, r := range ClioRegions() {
		if code == r.Code {
			return r, true
		}
	}
	return ClioRegion{}, false
}

// Clio returns the Clio preset for a base URL such as ClioHostUS. It uses the
// desktop approval redirect; organisations that registered a loopback URI
// (or an https page) set it with WithRedirect ("loopback",
// "http://127.0.0.1:PORT/callback", …).
//
// Clio: authorize /oauth/authorize with redirect_on_decline=true; token
// /oauth/token, form-encoded with client_id, client_secret and redirect_uri
// in the body; access tokens last 7 days; a refresh returns no refresh token
// (the old one never expires); who_am_i names the user; /oauth/deauthorize
// revokes. Its token requests need the client secret ("client_secret:
// Your application secret. Required: Yes"): it is Confidential.
func Clio(id, name, base string) Provider {
	base = strings.TrimRight(base, "/")
	return Provider{
		ID:   id,
		Name: name,
		Endpoint: oauth2.Endpoint{
			AuthURL:   base + "/oauth/authorize",
			TokenURL:  base + "/oauth/token",
			AuthStyle: oauth2.AuthStyleInParams,
		},
		Confidential: true,
		Redirect:     RedirectApproval,
		ApprovalURL:  base + "/oauth/approval",
		RedirectHost: "127.0.0.1",
		AuthParams:   map[string]string{"redirect_on_decline": "true"},
		Dialect:      DialectForm,
		Rotation:     RotationNever,
		Identity:     IdentityClio,
		IdentityURL:  base + "/api/v4/users/who_am_i",
		Revoke:       RevokeClio,
		RevokeURL:    base + "/oauth/deauthorize",
		APIBase:      base,
	}
}

// ClientCasa returns the ClientCasa preset for a base URL (normally
// https://www.clientcasa.com): PKCE S256 + state, the redirect registered as
// exactly http://localhost:53111/callback, 1-hour access tokens, 30-day
// refresh tokens that rotate on every use. Its userinfo and revocation
// endpoints are found by discovery from Issuer when the server offers them.
// Both token requests of its quick-start send client_secret: it is
// Confidential. Its document names no revocation endpoint, only that "a
// user revokes from their dashboard": EndURL and EndWhere say so.
func ClientCasa(base string) Provider {
	base = strings.TrimRight(base, "/")
	return Provider{
		ID:   "clientcasa",
		Name: "ClientCasa",
		Endpoint: oauth2.Endpoint{
			AuthURL:   base + "/api/auth/oauth2/authorize",
			TokenURL:  base + "/api/auth/oauth2/token",
			AuthStyle: oauth2.AuthStyleInParams,
		},
		Confidential:         true,
		Issuer:               base + "/api/auth",
		Redirect:             RedirectLoopback,
		RedirectHost:         "localhost",
		RedirectPort:         53111,
		RedirectPath:         "/callback",
		Scopes:               []string{"openid", "profile", "email", "offline_access", "read:clients"},
		OIDC:                 true,
		Dialect:              DialectForm,
		Rotation:             RotationAlways,
		RefreshTokenLifetime: 30 * 24 * time.Hour,
		Identity:             IdentityUserinfo,
		Revoke:               RevokeRFC7009,
		APIBase:              base,
		EndURL:               base,
		EndWhere:             EndPlace{ID: EndClientCasaDashboard, Address: base},
	}
}

// Anthropic returns the Anthropic (Claude OAuth) preset for a token URL
// (normally AnthropicTokenURL). There is no browser flow: credentials are
// imported, then refreshed with a JSON body; both tokens rotate; refresh 5
// minutes early; a refresh token dies after about 90 days unused.
func Anthropic(tokenURL string) Provider {
	return Provider{
		ID:                   "anthropic",
		Name:                 "Anthropic (Claude)",
		Endpoint:             oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams},
		Redirect:             RedirectNone,
		Dialect:              DialectJSON,
		Rotation:             RotationAlways,
		RefreshTokenLifetime: 90 * 24 * time.Hour,
		RefreshMargin:        5 * time.Minute,
		APIBase:              ClaudeWrapperURL,
		APIWrapper:           true,
	}
}

// AnthropicTokenURL is Anthropic's OAuth token endpoint.
const AnthropicTokenURL = "https://api.claude.ai/api/auth/oauth/token"

// ClaudeWrapperURL is the stateless Claude wrapper API of the Anthropic
// document (its clients send fresh oauth_credentials with each call to
// POST /v1/messages): the Anthropic preset's APIBase, which the user may
// set to another wrapper.
const ClaudeWrapperURL = "https://wrapper.claude.serenity-system.fr"

// Generic returns a provider with endpoints typed in; use Discover to fill
// one from an issuer URL instead.
func Generic(authURL, tokenURL string) Provider {
	return Provider{
		ID:   "generic",
		Name: "Other OAuth provider",
		Endpoint: oauth2.Endpoint{
			AuthURL:   authURL,
			TokenURL:  tokenURL,
			AuthStyle: oauth2.AuthStyleInParams,
		},
		Redirect:     RedirectLoopback,
		RedirectHost: "127.0.0.1",
		Dialect:      DialectForm,
		Rotation:     RotationMaybe,
	}
}

// Presets returns the built-in providers, without client credentials.
func Presets() []Provider {
	var ps []Provider
	for _, r := range ClioRegions() {
		ps = append(ps, Clio(r.PresetID(), "Clio ("+r.Label+")", r.Host))
	}
	return append(ps, ClientCasa("https://www.clientcasa.com"), Anthropic(AnthropicTokenURL))
}

// PresetAt returns the built-in provider with that ID rebased on another
// base URL (a sandbox, or a test server): Clio's and ClientCasa's hosts, or
// the host serving Anthropic's token path.
func PresetAt(id, base string) (Provider, bool) {
	p, ok := Preset(id)
	if !ok {
		return Provider{}, false
	}
	base = strings.TrimRight(base, "/")
	if _, clio := ClioRegionOf(id); clio {
		return Clio(p.ID, p.Name, base), true
	}
	switch id {
	case "clientcasa":
		return ClientCasa(base), true
	case "anthropic":
		return Anthropic(base + "/api/auth/oauth/token"), true
	}
	return Provider{}, false
}

// Documented returns p with what its preset's documents say that is not a
// setting — that token requests need the client secret (Confidential),
// where the user ends a sign-in (EndURL, EndWhere) — taken from the preset
// of p.ID on p's host, so that settings stored before such a fact was
// known have it too. A provider that is no preset is returned as it is.
func (p Provider) Documented() Provider {
	def, ok := Preset(p.ID)
	if !ok {
		return p
	}
	pre := def
	// p's base URL: its authorize URL without the preset's path.
	if u, err := url.Parse(def.Endpoint.AuthURL); err == nil && u.Path != "" {
		if base, cut := strings.CutSuffix(p.Endpoint.AuthURL, u.Path); cut && base != "" {
			pre, _ = PresetAt(p.ID, base)
		}
	}
	p.Confidential = p.Confidential || pre.Confidential
	p.EndURL, p.EndWhere = pre.EndURL, pre.EndWhere
	p.APIWrapper = pre.APIWrapper
	if p.APIBase == "" {
		p.APIBase = pre.APIBase
	}
	return p
}

// Preset returns the built-in provider with that ID.
func Preset(id string) (Provider, bool) {
	for _, p := range Presets() {
		if p.ID == id {
			return p, true
		}
	}
	return Provider{}, false
}
