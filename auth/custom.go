package auth

import (
	"context"
	"fmt"
	"net/http"

	"golang.org/x/oauth2"
)

// Custom describes a provider that is not a preset, as whoever sets
// Tokentray up gives it (tokentray provider add, the settings dialog, a
// connection profile).
type Custom struct {
	// ID is the provider's ID; Name, what the user sees, defaults to ID.
	ID, Name string
	// Issuer, when set, finds the endpoints by discovery (see Discover);
	// else AuthURL and TokenURL are the endpoints, typed in (see Generic).
	Issuer            string
	AuthURL, TokenURL string
	// ClientID and ClientSecret are the registered client's; the secret is
	// empty for a public client.
	ClientID, ClientSecret string
	// ClientAuth is how the client authenticates at the token endpoint:
	// "basic" (HTTP Basic, RFC 6749 §2.3.1) or "post" (client_id and
	// client_secret in the form body); either makes the provider
	// Confidential, secret or not yet. Empty: as discovery says (else in
	// the body), and Confidential when a secret is given.
	ClientAuth string
	// Scopes, when set, replace the default ones (discovery's OIDC scopes,
	// or none).
	Scopes []string
	// Redirect, when set, is where sign-in comes back, in WithRedirect's
	// words; RedirectPort, when set, is the registered loopback port (the
	// older way to say it), applied after Redirect.
	Redirect     string
	RedirectPort int
}

// Custom.ClientAuth's values.
const (
	ClientAuthBasic = "basic"
	ClientAuthPost  = "post"
)

// Build makes the provider c describes: by discovery from c.Issuer (with
// client; nil means a default client), or from the typed-in endpoints,
// then c's names, client, client authentication, scopes and redirect. The
// errors are Discover's (*Error), WithRedirect's (a *RedirectError,
// wrapped), and a plain one for a ClientAuth other than basic or post
// (the command line and profiles refuse it first, in words).
func (c Custom) Build(ctx context.Context, client *http.Client) (Provider, error) {
	if c.ClientAuth != "" && c.ClientAuth != ClientAuthBasic && c.ClientAuth != ClientAuthPost {
		return Provider{}, fmt.Errorf("provider %s: client authentication %q is neither %s nor %s", c.ID, c.ClientAuth, ClientAuthBasic, ClientAuthPost)
	}
	var p Provider
	if c.Issuer != "" {
		var err error
		if p, err = Discover(ctx, client, c.Issuer); err != nil {
			return Provider{}, err
		}
	} else {
		p = Generic(c.AuthURL, c.TokenURL)
	}
	p.ID, p.Name, p.ClientID, p.ClientSecret = c.ID, c.Name, c.ClientID, c.ClientSecret
	if p.Name == "" {
		p.Name = c.ID
	}
	switch c.ClientAuth {
	case "":
		p.Confidential = c.ClientSecret != ""
	case ClientAuthBasic:
		p.Endpoint.AuthStyle, p.Confidential = oauth2.AuthStyleInHeader, true
	case ClientAuthPost:
		p.Endpoint.AuthStyle, p.Confidential = oauth2.AuthStyleInParams, true
	}
	if len(c.Scopes) > 0 {
		p.Scopes = c.Scopes
	}
	if c.Redirect != "" {
		var err error
		if p, err = p.WithRedirect(c.Redirect); err != nil {
			return Provider{}, fmt.Errorf("provider %s: %w", c.ID, err)
		}
	}
	if c.RedirectPort != 0 {
		p.RedirectPort = c.RedirectPort
	}
	return p, nil
}
