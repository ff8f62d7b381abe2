package accounts

import (
	"context"
	"strings"

	"github.com/tokentray/tokentray/auth"
)

// ClientSettings are what the Provider settings dialog sets for a provider.
type ClientSettings struct {
	ClientID string
	// Secret, when not empty, replaces the sealed client secret; empty
	// keeps it as it is.
	Secret string
	// Redirect, when not empty, is where sign-in comes back, in the words
	// of auth.Provider.WithRedirect; empty keeps it as it is.
	Redirect string
	// TokenURL, when not empty, is the token endpoint, whole (see
	// auth.Provider.WithTokenURL); empty keeps it as it is.
	TokenURL string
	// APIBase is the provider's API address, where the local gateway sends
	// an account's requests (auth.Provider.WithAPIBase); empty clears it.
	APIBase string
}

// SaveClient sets a provider's client ID, secret, redirect, token URL and
// API address in one update, and returns the provider as saved. A redirect that does
// not parse (an *auth.RedirectError), or a token URL that is not https
// (an *auth.URLError), both said by ui/words, changes nothing.
func (a *App) SaveClient(ctx context.Context, id string, s ClientSettings) (auth.Provider, error) {
	p, err := a.Provider(ctx, id)
	if err != nil {
		return auth.Provider{}, err
	}
	if strings.TrimSpace(s.Redirect) != "" {
		if p, err = p.WithRedirect(s.Redirect); err != nil {
			return auth.Provider{}, err
		}
	}
	if strings.TrimSpace(s.TokenURL) != "" {
		if p, err = p.WithTokenURL(s.TokenURL); err != nil {
			return auth.Provider{}, err
		}
	}
	if p, err = p.WithAPIBase(s.APIBase); err != nil {
		return auth.Provider{}, err
	}
	p.ClientID, p.ClientSecret = s.ClientID, s.Secret
	if err := a.SaveProvider(ctx, p); err != nil {
		return auth.Provider{}, err
	}
	return p, nil
}
