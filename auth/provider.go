// Package auth is Tokentray's OAuth domain, with no GUI: providers as data,
// the authorization-code + PKCE connect flow with its loopback listener, the
// token dialects (form and JSON), identity and revocation calls, and typed
// errors that say what happened: their kinds and fields, for the program
// to act on. auth holds no sentence for people: ui/words says each error,
// loopback page and redirect to a person, in their language (see Words).
package auth

import (
	"time"

	"golang.org/x/oauth2"
)

// RedirectMode says how the authorization code comes back to Tokentray.
type RedirectMode string

const (
	// RedirectLoopback: the browser is sent to http://HOST:PORT/callback on
	// this machine (RFC 8252 §7.3), where a listener waits.
	RedirectLoopback RedirectMode = "loopback"
	// RedirectApproval: Clio's desktop redirect https://HOST/oauth/approval,
	// whose page title reads "Success code=…"; the code is read from the
	// browser window's title or pasted by the user.
	RedirectApproval RedirectMode = "approval"
	// RedirectPage: an https page registered with the provider (PageURL);
	// the browser ends there with code and state in its address, which the
	// user pastes (see ParseLanded).
	RedirectPage RedirectMode = "page"
	// RedirectNone: there is no browser flow (Anthropic): credentials are
	// imported.
	RedirectNone RedirectMode = "none"
)

// Dialect is the shape of token requests.
type Dialect string

const (
	// DialectForm is RFC 6749 §4.1.3/§6: application/x-www-form-urlencoded,
	// through golang.org/x/oauth2.
	DialectForm Dialect = "form"
	// DialectJSON is Anthropic's refresh: a JSON body {grant_type,
	// refresh_token}, and expires_at in milliseconds in the answer.
	DialectJSON Dialect = "json"
)

// Rotation says what the provider does with the refresh token on refresh.
type Rotation string

const (
	// RotationMaybe: replace the refresh token when one is returned, keep
	// the old one when none is (RFC 6749 §6).
	RotationMaybe Rotation = "maybe"
	// RotationNever: the answer has no refresh token; the old one stays good
	// (Clio).
	RotationNever Rotation = "never"
	// RotationAlways: every refresh returns a new refresh token and the old
	// one stops working (ClientCasa, Anthropic).
	RotationAlways Rotation = "always"
)

// IdentityStyle says how the account is named after connecting.
type IdentityStyle string

const (
	IdentityNone     IdentityStyle = ""         // name from the token response, or none
	IdentityUserinfo IdentityStyle = "userinfo" // OIDC userinfo: name / email / sub
	IdentityClio     IdentityStyle = "clio"     // GET who_am_i → data.name
)

// RevokeStyle says how Disconnect tells the provider.
type RevokeStyle string

const (
	RevokeNone    RevokeStyle = ""        // forget locally only
	RevokeRFC7009 RevokeStyle = "rfc7009" // POST token=… to the revocation endpoint
	RevokeClio    RevokeStyle = "clio"    // POST /oauth/deauthorize, Bearer + token
)

// Provider describes one OAuth provider as plain data: presets are values of
// this type, and every field can be overridden (tests point the endpoints at
// 127.0.0.1; companies run sandboxes). The zero value of each optional field
// is a sensible default, named in its comment.
type Provider struct {
	// ID is a stable identifier ("clio-us", "clientcasa", "generic"), used
	// in account metadata.
	ID string `json:"id"`
	// Name is what the user sees ("Clio (US)").
	Name string `json:"name"`

	// Endpoint holds the authorize and token URLs and the client
	// authentication style. AuthStyle must be set explicitly
	// (oauth2.AuthStyleInParams or InHeader): AutoDetect would retry a
	// failed request with the other style, spending a rotating refresh
	// token twice.
	Endpoint oauth2.Endpoint `json:"endpoint"`
	// Issuer, when set, is the OIDC / RFC 8414 issuer used by Discover.
	Issuer string `json:"issuer,omitempty"`

	// ClientID and ClientSecret are the registered client's credentials;
	// ClientSecret is empty for public clients. They are configuration, set
	// by whoever installs Tokentray.
	ClientID     string `json:"client_id,omitempty"`
	ClientSecret string `json:"-"`
	// Confidential: the provider takes no token request without the
	// client secret — Clio and ClientCasa, whose documents send
	// client_secret with every one, and a custom provider set up with a
	// secret or with client authentication basic or post (Custom). Connect
	// refuses to open the browser for it while ClientSecret is empty
	// (Error.NoClientSecret): the token request would fail only after the
	// user approved.
	Confidential bool `json:"confidential,omitempty"`

	// Redirect says how the code comes back (default RedirectLoopback).
	// Set it, with the fields below, from a person's words with
	// WithRedirect; RedirectValue gives those words back.
	Redirect RedirectMode `json:"redirect,omitempty"`
	// RedirectHost is the loopback host: "127.0.0.1" (default), "[::1]" or
	// "localhost" (then both 127.0.0.1 and [::1] are listened on).
	RedirectHost string `json:"redirect_host,omitempty"`
	// RedirectPort is the registered loopback port; 0 means any free port.
	RedirectPort int `json:"redirect_port,omitempty"`
	// RedirectPath defaults to "/callback".
	RedirectPath string `json:"redirect_path,omitempty"`
	// ApprovalURL is the desktop redirect page for RedirectApproval (Clio
	// providers keep it whatever their redirect, so that it can be chosen
	// again).
	ApprovalURL string `json:"approval_url,omitempty"`
	// PageURL is the https page for RedirectPage.
	PageURL string `json:"page_url,omitempty"`

	// Scopes are requested on connect.
	Scopes []string `json:"scopes,omitempty"`
	// AuthParams are extra authorize-URL parameters (Clio:
	// redirect_on_decline=true).
	AuthParams map[string]string `json:"auth_params,omitempty"`
	// OIDC providers accept login_hint and prompt=select_account.
	OIDC bool `json:"oidc,omitempty"`

	// Dialect of token requests (default DialectForm).
	Dialect Dialect `json:"dialect,omitempty"`
	// Rotation of refresh tokens (default RotationMaybe).
	Rotation Rotation `json:"rotation,omitempty"`
	// RefreshTokenLifetime is how long a refresh token lives (ClientCasa
	// 30 days) or lives unused (Anthropic about 90 days); 0 = unknown or
	// never expires.
	RefreshTokenLifetime time.Duration `json:"refresh_token_lifetime,omitempty"`
	// RefreshMargin is how long before expiry to refresh; 0 means the
	// default (5 minutes, or 10 % of the lifetime for short tokens).
	RefreshMargin time.Duration `json:"refresh_margin,omitempty"`

	// Identity and IdentityURL name the account after connecting.
	Identity    IdentityStyle `json:"identity,omitempty"`
	IdentityURL string        `json:"identity_url,omitempty"`
	// Revoke and RevokeURL tell the provider on Disconnect.
	Revoke    RevokeStyle `json:"revoke,omitempty"`
	RevokeURL string      `json:"revoke_url,omitempty"`
	// APIBase is where the provider's API is: the local gateway
	// (ui/gateway) sends an account's requests there, the path after the
	// account's name appended. Clio: the region's host; ClientCasa: its
	// host; Anthropic: a Claude wrapper's address (APIWrapper); a custom
	// provider: what the user enters. Empty: the gateway has nowhere to
	// send them.
	APIBase string `json:"api_base,omitempty"`
	// APIWrapper: APIBase is a Claude wrapper, which takes the account's
	// credentials in the body of its calls (oauth_credentials), not as a
	// Bearer token. A fact of the preset (Anthropic).
	APIWrapper bool `json:"-"`
	// EndURL is where the user ends Tokentray's access at the provider
	// themselves, and EndWhere which place that is (ui/words says it,
	// with its address): what is left to say when the provider offers
	// Tokentray no way to end a sign-in (ClientCasa: "when a user revokes
	// from their dashboard"). Empty when the documents say nothing. They
	// are facts of the provider's documents, not settings: not stored, but
	// filled in from the preset (see Documented).
	EndURL   string   `json:"-"`
	EndWhere EndPlace `json:"-"`
}

// EndPlace is where a person ends Tokentray's access at a provider
// themselves, as the provider's documents say: ID names the place, Address
// is where it is. The zero EndPlace: the documents say nothing.
type EndPlace struct {
	ID      string
	Address string
}

// EndClientCasaDashboard is the user's ClientCasa dashboard, at the
// ClientCasa host.
const EndClientCasaDashboard = "clientcasa dashboard"

func (p Provider) redirectMode() RedirectMode {
	if p.Redirect == "" {
		return RedirectLoopback
	}
	return p.Redirect
}

func (p Provider) oauth2Config(redirectURL string) *oauth2.Config {
	ep := p.Endpoint
	if p.ClientSecret == "" || ep.AuthStyle == oauth2.AuthStyleAutoDetect {
		// Public clients authenticate with client_id in the body; and never
		// auto-detect (see Endpoint).
		ep.AuthStyle = oauth2.AuthStyleInParams
	}
	return &oauth2.Config{
		ClientID:     p.ClientID,
		ClientSecret: p.ClientSecret,
		Endpoint:     ep,
		RedirectURL:  redirectURL,
		Scopes:       p.Scopes,
	}
}
