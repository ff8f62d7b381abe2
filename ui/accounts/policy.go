package accounts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/ui/policy"
	"github.com/tokentray/tokentray/ui/words"
)

// managed is the App's view of the managed settings (ui/policy): read at
// Open and again by ReloadPolicy, applied by providerSettings, Provider,
// Providers, SaveProvider and Settings.
type managed struct {
	mu  sync.Mutex
	pol *policy.Policy
	// built: custom providers of the policy, discovered once (their
	// issuer's metadata), by ID, with the policy entry they came from.
	built map[string]builtCustom
}

type builtCustom struct {
	from policy.Custom
	p    auth.Provider
}

// Policy returns the managed settings in force (never nil).
func (a *App) Policy() *policy.Policy {
	a.managed.mu.Lock()
	defer a.managed.mu.Unlock()
	return a.managed.pol
}

// ReloadPolicy reads the managed settings again (the window calls it when
// it opens); it reports whether they changed.
func (a *App) ReloadPolicy() bool {
	pol := a.loadPolicy()
	a.managed.mu.Lock()
	defer a.managed.mu.Unlock()
	changed := fmt.Sprint(*pol) != fmt.Sprint(*a.managed.pol)
	a.managed.pol = pol
	return changed
}

// loadPolicy reads the policy and adds, as problems, the names in
// AllowedProviders that no provider has.
func (a *App) loadPolicy() *policy.Policy {
	pol := a.readPolicy()
	if ids := pol.Mandatory.AllowedProviders; ids != nil {
		recs, _ := a.store.Providers()
		var kept []string
		for _, id := range ids {
			_, preset := auth.Preset(id)
			_, custom := pol.Mandatory.Providers[id]
			_, stored := recs[id]
			if preset || custom || stored {
				kept = append(kept, id)
				continue
			}
			pol.Problems = append(pol.Problems, policy.Problem{Source: policySource(pol), Name: policy.AllowedProviders,
				Kind: policy.UnknownProvider, Detail: id})
		}
		// A list that names no provider at all is a mistake, not a wish
		// to show none: it is not applied.
		pol.Mandatory.AllowedProviders = kept
	}
	return pol
}

// policySource names where the mandatory values came from, for a problem
// found after reading.
func policySource(pol *policy.Policy) string {
	for _, s := range pol.Sources {
		if s.Found {
			return s.Where
		}
	}
	return "policy"
}

// Lock is what managed settings fix for a provider.
type Lock struct {
	// ClientID, Secret and Redirect are set by policy and cannot be
	// changed; Provider: the whole provider is the organization's (a
	// custom provider of the policy).
	ClientID, Secret, Redirect, Provider bool
	// By is who manages it, in the reader's language ("Example LLP IT",
	// or "your organization").
	By string
}

// Any reports whether anything is locked.
func (l Lock) Any() bool { return l.ClientID || l.Secret || l.Redirect || l.Provider }

// ManagedBy is who manages Tokentray here, in the reader's language.
func ManagedBy(pol *policy.Policy) string {
	if pol != nil && pol.ManagedBy != "" {
		return pol.ManagedBy
	}
	return words.L("your organization")
}

// Locked says what the managed settings fix for provider id.
func (a *App) Locked(id string) Lock {
	pol := a.Policy()
	l := Lock{By: ManagedBy(pol)}
	if c := mandatoryClient(pol, id); c != nil {
		l.ClientID, l.Secret, l.Redirect = true, c.Secret != "", c.Redirect != ""
	}
	if _, ok := pol.Mandatory.Providers[id]; ok {
		l.ClientID, l.Secret, l.Redirect, l.Provider = true, true, true, true
	}
	return l
}

// Allowed reports whether the managed settings let provider id be shown
// and connected (AllowedProviders).
func (a *App) Allowed(id string) bool {
	ids := a.Policy().Mandatory.AllowedProviders
	return len(ids) == 0 || slices.Contains(ids, id)
}

// CustomProvidersAllowed reports whether the user may add providers.
func (a *App) CustomProvidersAllowed() bool {
	b := a.Policy().Mandatory.AllowCustomProviders
	return b == nil || *b
}

// GatewayAllowed reports whether the managed settings let the gateway run.
func (a *App) GatewayAllowed() bool {
	b := a.Policy().Mandatory.GatewayAllowed
	return b == nil || *b
}

// clientOf is the Client a level of policy sets for built-in provider id
// (Clio in its region, ClientCasa), or nil.
func clientOf(s policy.Settings, id string) *policy.Client {
	if r, ok := auth.ClioRegionOf(id); ok && s.Clio != nil && s.Clio.Region == r.Code {
		return s.Clio
	}
	if p, ok := auth.Preset(id); ok && s.ClientCasa != nil && p.ID == auth.ClientCasa("").ID {
		return s.ClientCasa
	}
	return nil
}

func mandatoryClient(pol *policy.Policy, id string) *policy.Client {
	return clientOf(pol.Mandatory, id)
}

// applyPolicy gives p (the stored settings or the preset) what the managed
// settings set: mandatory values over the user's, recommended ones where
// the user set none. The client secret is Provider's to apply.
func applyPolicy(pol *policy.Policy, p auth.Provider) auth.Provider {
	if c := mandatoryClient(pol, p.ID); c != nil {
		p.ClientID = c.ClientID
		if c.Redirect != "" {
			if q, err := p.WithRedirect(c.Redirect); err == nil { // policy checked it
				p = q
			}
		}
		return p
	}
	if c := clientOf(pol.Recommended, p.ID); c != nil && p.ClientID == "" {
		p.ClientID = c.ClientID
		if c.Redirect != "" {
			if q, err := p.WithRedirect(c.Redirect); err == nil {
				p = q
			}
		}
	}
	return p
}

// policySecret is the client secret the managed settings give provider id:
// mandatory (true: the keyring is not asked), or recommended (used when
// the user saved none).
func policySecret(pol *policy.Policy, id string) (secret string, mandatory bool) {
	if c := mandatoryClient(pol, id); c != nil {
		return c.Secret, c.Secret != ""
	}
	if c := clientOf(pol.Recommended, id); c != nil {
		return c.Secret, false
	}
	return "", false
}

// policyCustom returns the policy's custom provider id: discovered (its
// issuer asked) when ctx is given and it was not yet, else what is known
// without the network.
func (a *App) policyCustom(ctx context.Context, c policy.Custom) (auth.Provider, error) {
	a.managed.mu.Lock()
	b, ok := a.managed.built[c.ID]
	a.managed.mu.Unlock()
	if ok && b.from == c {
		return b.p, nil
	}
	if ctx == nil {
		// Enough to name it and show its accounts.
		return auth.Provider{ID: c.ID, Name: c.Name, ClientID: c.ClientID}, nil
	}
	p, err := auth.Custom{ID: c.ID, Name: c.Name, Issuer: c.Issuer, ClientID: c.ClientID, ClientSecret: c.Secret,
		Redirect: c.Redirect}.Build(ctx, a.http)
	if err != nil {
		return auth.Provider{}, fmt.Errorf("provider %s of %s: %w", c.ID, ManagedBy(a.Policy()), err)
	}
	if p, err = p.WithAPIBase(c.APIBase); err != nil {
		return auth.Provider{}, err
	}
	a.managed.mu.Lock()
	if a.managed.built == nil {
		a.managed.built = map[string]builtCustom{}
	}
	a.managed.built[c.ID] = builtCustom{c, p}
	a.managed.mu.Unlock()
	return p, nil
}

// ErrManaged matches (errors.Is) every *ManagedError.
var ErrManaged = errors.New("set by the managed settings")

// ManagedWhat is what a *ManagedError refused.
type ManagedWhat int

const (
	// ManagedProvider: the provider's settings are set by policy.
	ManagedProvider ManagedWhat = iota
	// ManagedNoCustom: the policy does not let the user add providers.
	ManagedNoCustom
	// ManagedNotAllowed: the policy does not offer this provider.
	ManagedNotAllowed
	// ManagedGateway: the policy keeps the gateway off.
	ManagedGateway
)

// ManagedError: the managed settings do not let the user do that.
type ManagedError struct {
	What ManagedWhat
	// Provider is the provider's name (ManagedProvider, ManagedNotAllowed).
	Provider string
	By       string
}

func (e *ManagedError) Error() string {
	return fmt.Sprintf("%s: refused (%d, %s)", ErrManaged, e.What, e.Provider)
}
func (e *ManagedError) Unwrap() error { return ErrManaged }

// Message says it in the reader's language.
func (e *ManagedError) Message() string {
	data := map[string]any{"Provider": e.Provider, "By": e.By}
	switch e.What {
	case ManagedNoCustom:
		return words.L("Adding providers is turned off by {{.By}}.", data)
	case ManagedNotAllowed:
		return words.L("{{.Provider}} is not offered on this computer by {{.By}}.", data)
	case ManagedGateway:
		return words.L("The local gateway is turned off by {{.By}}.", data)
	}
	return words.L("{{.Provider}} is set up by {{.By}}: its settings cannot be changed here.", data)
}

// checkManaged refuses to save p when the managed settings fix what p
// changes: a locked client ID, secret or redirect, a provider of the
// policy, a provider it does not offer, or a new provider when adding
// them is off.
func (a *App) checkManaged(p auth.Provider, stored bool) error {
	pol := a.Policy()
	by := ManagedBy(pol)
	if _, ok := pol.Mandatory.Providers[p.ID]; ok {
		return &ManagedError{What: ManagedProvider, Provider: p.Name, By: by}
	}
	if _, preset := auth.Preset(p.ID); !preset && !stored && !a.CustomProvidersAllowed() {
		return &ManagedError{What: ManagedNoCustom, By: by}
	}
	if !a.Allowed(p.ID) {
		return &ManagedError{What: ManagedNotAllowed, Provider: p.Name, By: by}
	}
	if c := mandatoryClient(pol, p.ID); c != nil {
		cur := applyPolicy(pol, p)
		if p.ClientID != c.ClientID || c.Secret != "" && p.ClientSecret != "" && p.ClientSecret != c.Secret ||
			c.Redirect != "" && p.RedirectValue() != cur.RedirectValue() {
			return &ManagedError{What: ManagedProvider, Provider: p.Name, By: by}
		}
	}
	return nil
}
