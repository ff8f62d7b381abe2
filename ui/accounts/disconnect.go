package accounts

import (
	"context"
	"errors"
	"net/url"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/words"
)

// Disconnect forgets an account: unless keepRemote, it first tells the
// provider (keeper.Revoke: Clio deauthorize, RFC 7009); the local secrets
// are deleted even when that fails, and the failure is returned (a
// *RevokeError when the provider could not be told). What it did is
// returned for the user to read (Disconnected.Message).
func (a *App) Disconnect(ctx context.Context, id string, keepRemote bool) (Disconnected, error) {
	acct, err := a.store.Account(id)
	if err != nil {
		return Disconnected{}, err
	}
	d := Disconnected{Account: acct.Name, Provider: a.ProviderName(acct.Provider), NotTold: keepRemote}
	if p, err := a.providerSettings(acct.Provider); err == nil {
		d.EndWhere = p.EndWhere
		if p.Revoke == auth.RevokeClio {
			d.ClioManage = clioManage(p)
		}
	}
	var remoteErr error
	if !keepRemote {
		remoteErr = a.keeper.Revoke(ctx, id)
	}
	switch {
	case errors.Is(remoteErr, keeper.ErrGrantEnded):
		d.AlreadyEnded, remoteErr = true, nil
	case errors.Is(remoteErr, auth.ErrNoRevocation):
		d.NotTold, d.NoWay, remoteErr = true, true, nil
	}
	if errors.Is(remoteErr, store.ErrKeyringUnavailable) {
		// The token could not even be read to revoke it: forgetting the
		// account now would leave its access live at the provider, and
		// nothing here able to end it.
		return Disconnected{}, &KeptError{Err: remoteErr}
	}
	if err := a.keeper.Forget(ctx, id); err != nil {
		return Disconnected{}, err
	}
	if remoteErr != nil {
		remoteErr = &RevokeError{Disconnected: d, Err: remoteErr}
	}
	return d, remoteErr
}

// Disconnected is what a Disconnect did, in the words the command line and
// the tray both show (Message).
type Disconnected struct {
	Account  string // the account's name
	Provider string // its provider's name, as shown
	// ClioManage is, for a Clio account, its region's Clio Manage address
	// (the provider's host): Clio's deauthorize ends only the access token
	// sent, and the app's authorization stays until the user removes it
	// there.
	ClioManage string
	// AlreadyEnded: the provider had ended the grant already (the refresh
	// before deauthorizing said only reconnecting would help), so there was
	// nothing left to revoke.
	AlreadyEnded bool
	// NotTold: the provider was not asked to end the access — the user
	// chose so (keep remote), or NoWay: it offers no way to (Anthropic,
	// ClientCasa).
	NotTold, NoWay bool
	// EndWhere is where the user ends the access at the provider
	// themselves, as its documents say (the provider's EndWhere: ClientCasa's
	// dashboard); zero when they say nothing.
	EndWhere auth.EndPlace
}

// Message says what was removed, and what the provider still holds.
func (d Disconnected) Message() string {
	w := map[string]any{"Name": d.Account, "Provider": d.Provider}
	if d.EndWhere.ID != "" {
		w["Where"] = d.EndWhere
	}
	switch {
	case d.NoWay && d.EndWhere.ID != "":
		return words.L("Removed {{.Name}} from this computer; {{.Provider}} was not told (it offers no way to end a sign-in from Tokentray), "+
			"so its access stays live there until you revoke it {{.Where}}.", w)
	case d.NoWay:
		return words.L("Removed {{.Name}} from this computer; {{.Provider}} was not told (it offers no way to end a sign-in from Tokentray).", w)
	case d.NotTold && d.EndWhere.ID != "":
		return words.L("Removed {{.Name}} from this computer; {{.Provider}} was not told, so its access stays live there "+
			"until you revoke it {{.Where}}.", w)
	case d.NotTold:
		return words.L("Removed {{.Name}} from this computer; {{.Provider}} was not told, so its access stays live there "+
			"until you remove the app in your account settings at {{.Provider}}.", w)
	case d.AlreadyEnded:
		return words.L("Removed {{.Name}} from this computer. {{.Provider}} had already ended its access, so there was nothing left to revoke there.", w)
	case d.ClioManage != "":
		w["Where"] = d.clioWhere()
		return words.L("Disconnected {{.Name}}. Clio ended the access token Tokentray held. Clio keeps the app's authorization until you remove it: {{.Where}}", w)
	}
	return words.L("Disconnected {{.Name}}.", w)
}

// clioWhere is where, in Clio Manage, the user removes the app. Clio's
// documentation names no settings address, so the page is described, not
// linked.
func (d Disconnected) clioWhere() string {
	return words.L("in Clio Manage ({{.Address}}), open Settings and remove the app under the apps you have connected.",
		map[string]any{"Address": d.ClioManage})
}

// clioManage is the Clio Manage address of a Clio provider's region: the
// scheme and host its endpoints are on (https://eu.app.clio.com for
// clio-eu).
func clioManage(p auth.Provider) string {
	for _, raw := range []string{p.RevokeURL, p.Endpoint.AuthURL} {
		if u, err := url.Parse(raw); err == nil && u.Scheme != "" && u.Host != "" {
			return u.Scheme + "://" + u.Host
		}
	}
	return auth.ClioHostUS
}
