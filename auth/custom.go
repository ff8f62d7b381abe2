package auth

import (
	"context"
	"fmt"
	"net/http"
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
	// Scopes, when set, replace the default ones (discovery's OIDC scopes,
	// or none).
	Scopes []string
	// Redirect, when set, is where sign-in comes back, in WithRedirect's
	// words; RedirectPort, when set, is the registered loopback port (the
	// older way to say it), applied after Redirect.
	Redirect     string
	RedirectPort int
}

// Build makes the provider c describes: by discovery from c.Issuer (with
// client; nil means a default client), or from the typed-in endpoints,
// then c's names, client, scopes and redirect. The errors are Discover's
// (*Error) and WithRedirect's (a *RedirectError, wrapped).
func (c Custom) Build(ctx context.Context, client *http.Client) (Provider, error) {
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
