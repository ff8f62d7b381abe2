package accounts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/words"
)

func clientSecretName(id string) string { return "client-" + id }

// Provider returns the provider with that ID: its stored settings if any,
// else the preset; with the client secret from the sealed store (which
// reads the keyring).
func (a *App) Provider(ctx context.Context, id string) (auth.Provider, error) {
	pol := a.Policy()
	if c, ok := pol.Mandatory.Providers[id]; ok {
		return a.policyCustom(ctx, c)
	}
	p, err := a.providerSettings(id)
	if err != nil {
		return auth.Provider{}, err
	}
	secret, mandatory := policySecret(pol, id)
	if mandatory {
		p.ClientSecret = secret
		return p, nil
	}
	stored, err := a.store.LoadSecret(ctx, clientSecretName(id))
	switch {
	case err == nil:
		p.ClientSecret = string(stored)
	case errors.Is(err, store.ErrNotFound):
		p.ClientSecret = secret // the recommended one, if any
	default:
		return auth.Provider{}, err
	}
	return p, nil
}

// providerSettings is Provider without the client secret: the stored
// settings, else the preset. It reads no keyring.
func (a *App) providerSettings(id string) (auth.Provider, error) {
	pol := a.Policy()
	if c, ok := pol.Mandatory.Providers[id]; ok {
		return a.policyCustom(nil, c)
	}
	recs, err := a.store.Providers()
	if err != nil {
		return auth.Provider{}, err
	}
	if raw, ok := recs[id]; ok {
		var p auth.Provider
		if err := json.Unmarshal(raw, &p); err != nil {
			return auth.Provider{}, fmt.Errorf("provider %s settings: %w", id, err)
		}
		// Settings stored before a fact of the preset's documents was
		// known (Confidential, EndWhere) get it.
		return applyPolicy(pol, p.Documented()), nil
	}
	if p, ok := auth.Preset(id); ok {
		return applyPolicy(pol, p), nil
	}
	return auth.Provider{}, &NameError{ErrUnknownProvider, id}
}

// Providers returns every preset, stored provider and provider of the
// managed settings that the managed settings offer, by ID. A provider of
// the managed settings not yet used is as far as known without asking its
// issuer.
func (a *App) Providers(ctx context.Context) ([]auth.Provider, error) {
	recs, err := a.store.Providers()
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, p := range auth.Presets() {
		ids[p.ID] = true
	}
	for id := range recs {
		ids[id] = true
	}
	pol := a.Policy()
	for id := range pol.Mandatory.Providers {
		ids[id] = true
	}
	var out []auth.Provider
	for id := range ids {
		if !a.Allowed(id) {
			continue
		}
		var p auth.Provider
		if c, ok := pol.Mandatory.Providers[id]; ok {
			if p, err = a.policyCustom(nil, c); err != nil {
				return nil, err
			}
			p.ClientSecret = c.Secret
		} else if p, err = a.Provider(ctx, id); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// SaveProvider stores p's settings under p.ID; p.ClientSecret, when set, is
// sealed, never written in the settings.
func (a *App) SaveProvider(ctx context.Context, p auth.Provider) error {
	recs, err := a.store.Providers()
	if err != nil {
		return err
	}
	_, stored := recs[p.ID]
	if err := a.checkManaged(p, stored); err != nil {
		return err
	}
	if secret, mandatory := policySecret(a.Policy(), p.ID); mandatory && p.ClientSecret == secret {
		p.ClientSecret = "" // the policy's: never copied to the keyring
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode provider: %w", err)
	}
	return a.store.Update(ctx, func(tx *store.Tx) error {
		if p.ClientSecret != "" {
			if err := tx.SaveSecret(clientSecretName(p.ID), []byte(p.ClientSecret)); err != nil {
				return err
			}
		}
		return tx.PutProvider(p.ID, raw)
	})
}

// ProviderName is the name shown for a provider ID; it reads no secret.
func (a *App) ProviderName(id string) string {
	if c, ok := a.Policy().Mandatory.Providers[id]; ok {
		return c.Name
	}
	if recs, err := a.store.Providers(); err == nil {
		var p auth.Provider
		if raw, ok := recs[id]; ok && json.Unmarshal(raw, &p) == nil && p.Name != "" {
			return words.ProviderName(id, p.Name)
		}
	}
	if p, ok := auth.Preset(id); ok {
		return words.ProviderName(id, p.Name)
	}
	return id
}
