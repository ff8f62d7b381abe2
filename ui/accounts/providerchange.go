package accounts

import (
	"context"
	"fmt"
	"strings"

	"github.com/tokentray/tokentray/auth"
)

// ProviderChange is one change to a provider's settings: the Provider
// settings window (SaveClient, AddProvider) and the command line
// (provider set, provider add) all make theirs through ChangeProvider. A
// field left at its zero value keeps that setting as it is.
type ProviderChange struct {
	// ID is the provider's.
	ID string
	// New, when not nil, adds ID as a custom provider built from it
	// (auth.Custom.Build: discovered from its issuer, or its two
	// endpoints; New.ID is taken from ID). Nil changes the existing
	// provider ID (a preset, stored settings).
	New *auth.Custom
	// BaseURL, when not empty, moves a built-in provider to another host
	// (a sandbox: auth.PresetAt), keeping its client ID and, unless
	// Redirect sets another, its redirect.
	BaseURL string
	// Redirect, when not empty, is where sign-in comes back, in the words
	// of auth.Provider.WithRedirect.
	Redirect string
	// TokenURL, when not empty, is the token endpoint, whole (see
	// auth.Provider.WithTokenURL).
	TokenURL string
	// APIBase, when not nil, sets the provider's API address, where the
	// local gateway sends an account's requests
	// (auth.Provider.WithAPIBase): "" clears it.
	APIBase *string
	// ClientID, when not nil, sets the client ID: "" clears it.
	ClientID *string
	// Secret, when not empty, replaces the sealed client secret.
	Secret string
	// SecretFrom, when not nil, gives the secret instead of Secret, asked
	// only once every other setting of the change has been checked (the
	// command line reads standard input there, so that a mistyped option
	// is said before anything waits for input).
	SecretFrom func() (string, error)
}

// ChangeProvider makes the change in one update and returns the provider
// as saved. A setting that cannot be used is a *SettingError naming it
// (its Err an *auth.RedirectError or *auth.URLError with a Message, or
// ErrNotBuiltIn); what the managed settings fix is a *ManagedError. Either
// way nothing is changed.
func (a *App) ChangeProvider(ctx context.Context, ch ProviderChange) (auth.Provider, error) {
	p, err := a.changing(ctx, ch)
	if err != nil {
		return auth.Provider{}, err
	}
	if ch.BaseURL != "" {
		rebased, ok := auth.PresetAt(p.ID, ch.BaseURL)
		if !ok {
			return auth.Provider{}, &SettingError{Setting: "BaseURL", Err: ErrNotBuiltIn}
		}
		rebased.ClientID = p.ClientID
		if ch.Redirect == "" && p.Redirect != auth.RedirectNone {
			// The redirect stays as it was set (Clio's approval page
			// moves to the new host with it).
			if rebased, err = rebased.WithRedirect(p.RedirectValue()); err != nil {
				return auth.Provider{}, err
			}
		}
		p = rebased
	}
	if ch.Redirect != "" {
		if p, err = p.WithRedirect(ch.Redirect); err != nil {
			return auth.Provider{}, &SettingError{Setting: "Redirect", Err: err}
		}
	}
	if ch.TokenURL != "" {
		if p, err = p.WithTokenURL(ch.TokenURL); err != nil {
			return auth.Provider{}, &SettingError{Setting: "TokenURL", Err: err}
		}
	}
	if ch.APIBase != nil {
		if p, err = p.WithAPIBase(*ch.APIBase); err != nil {
			return auth.Provider{}, &SettingError{Setting: "APIBase", Err: err}
		}
	}
	if ch.ClientID != nil {
		p.ClientID = *ch.ClientID
	}
	secret := ch.Secret
	if ch.SecretFrom != nil {
		if secret, err = ch.SecretFrom(); err != nil {
			return auth.Provider{}, err
		}
	}
	if secret != "" {
		p.ClientSecret = secret
	}
	if err := a.SaveProvider(ctx, p); err != nil {
		return auth.Provider{}, err
	}
	return p, nil
}

// changing is the provider a change starts from: the existing one without
// its client secret (which stays sealed as it is unless the change
// replaces it), or the new custom one, built. A new one is refused for a
// built-in ID, and before its issuer is asked when the managed settings
// turn adding providers off.
func (a *App) changing(ctx context.Context, ch ProviderChange) (auth.Provider, error) {
	if ch.New == nil {
		p, err := a.Provider(ctx, ch.ID)
		if err != nil {
			return auth.Provider{}, err
		}
		p.ClientSecret = ""
		return p, nil
	}
	if _, preset := auth.Preset(ch.ID); preset {
		return auth.Provider{}, fmt.Errorf("%q is a built-in provider", ch.ID)
	}
	recs, err := a.store.Providers()
	if err != nil {
		return auth.Provider{}, err
	}
	if _, stored := recs[ch.ID]; !stored && !a.CustomProvidersAllowed() {
		return auth.Provider{}, &ManagedError{What: ManagedNoCustom, By: ManagedBy(a.Policy())}
	}
	c := *ch.New
	c.ID = ch.ID
	return c.Build(ctx, a.http)
}

// ClientSettings are what the Provider settings dialog sets for a provider.
type ClientSettings struct {
	// ClientID is the client ID; empty clears it.
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
	// APIBase is the provider's API address, where the local gateway
	// sends an account's requests (auth.Provider.WithAPIBase); empty
	// clears it.
	APIBase string
}

// SaveClient sets a provider's client ID, secret, redirect, token URL and
// API address in one update (ChangeProvider: every field of the dialog is
// set, an emptied client ID or API address cleared), and returns the
// provider as saved. A redirect that does not parse, or a token URL that
// is not https, is a *SettingError (wrapping an *auth.RedirectError or
// *auth.URLError, with a Message) and changes nothing.
func (a *App) SaveClient(ctx context.Context, id string, s ClientSettings) (auth.Provider, error) {
	ch := ProviderChange{ID: id, APIBase: &s.APIBase, ClientID: &s.ClientID, Secret: s.Secret}
	if strings.TrimSpace(s.Redirect) != "" {
		ch.Redirect = s.Redirect
	}
	if strings.TrimSpace(s.TokenURL) != "" {
		ch.TokenURL = s.TokenURL
	}
	return a.ChangeProvider(ctx, ch)
}

// AddProvider makes a custom provider from an issuer URL (OIDC or RFC 8414
// discovery) and stores it under id (ChangeProvider with New).
func (a *App) AddProvider(ctx context.Context, id, name, issuer, clientID, secret string) (auth.Provider, error) {
	if !a.CustomProvidersAllowed() {
		// The window's Add makes a new provider, even over a stored ID:
		// turned off by the managed settings, it makes none.
		return auth.Provider{}, &ManagedError{What: ManagedNoCustom, By: ManagedBy(a.Policy())}
	}
	return a.ChangeProvider(ctx, ProviderChange{ID: id,
		New: &auth.Custom{Name: name, Issuer: issuer, ClientID: clientID, ClientSecret: secret}})
}
