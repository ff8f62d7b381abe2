package keeper

import (
	"time"

	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
)

// persist is the last step of a refresh: it stores nt, the provider's new
// pair, at once (the old refresh token may be dead already), then writes it
// to the linked file, if any, and the account's metadata. A pair the store
// refuses is kept in memory, to be stored by the next refresh (loadUnsaved).
// dl is nt's expiry on both clocks (nil: unknown), now when the provider
// answered.
func (r *refreshTx) persist(p auth.Provider, nt *oauth2.Token, dl *deadline, now time.Time) error {
	r.k.setDeadline(r.id, dl)
	// Persist first: the old refresh token may be dead already.
	if err := r.tx.SaveToken(nt); err != nil {
		r.k.keepUnsaved(r.id, nt)
		r.k.cfg.Logger.Error("could not store a refreshed token; keeping it in memory", "account", r.id, "err", err)
		return r.storeRefused(err)
	}
	r.k.dropUnsaved(r.id)
	r.acct = refreshed(r.acct, p, r.tok, nt, now)
	if r.link != nil {
		if err := r.link.Write(nt); err != nil {
			// Tokentray's pair is safe; the other program's is now
			// spent. Say so where the account's state is shown.
			r.k.cfg.Logger.Error("could not write the renewed sign-in to the linked file", "account", r.id, "err", err)
			r.acct.LastProblem = ProblemOf(&LinkError{Err: err})
		}
	}
	// The token is safe; if this fails, only the displayed metadata
	// is stale, and it is written again at the next try.
	r.metaErr = r.tx.PutAccount(r.acct)
	r.out = nt
	r.events = append(r.events, Event{Account: r.id, Kind: EventRefreshed, Expiry: r.acct.Expiry, At: now})
	return nil
}

// loadUnsaved returns a refreshed token that the store refused earlier
// (saving it now), else the stored one.
func (k *Keeper) loadUnsaved(tx AccountTx, id string) (*oauth2.Token, error) {
	k.mu.Lock()
	u := k.unsaved[id]
	k.mu.Unlock()
	if u == nil {
		return tx.LoadToken()
	}
	if err := tx.SaveToken(u); err != nil {
		return nil, err
	}
	k.dropUnsaved(id)
	return u, nil
}

// keepUnsaved keeps tok, a refreshed token of account id that the store
// refused, for loadUnsaved.
func (k *Keeper) keepUnsaved(id string, tok *oauth2.Token) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.unsaved[id] = tok
}

// dropUnsaved forgets account id's unsaved token: it is stored now.
func (k *Keeper) dropUnsaved(id string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.unsaved, id)
}

// refreshed is acct after a successful refresh.
func refreshed(a store.Account, p auth.Provider, old, nt *oauth2.Token, now time.Time) store.Account {
	a.Expiry = nt.Expiry
	a.LastRefresh = now
	a.Status = StatusOK
	a.LastProblem, a.LastError = store.Problem{}, ""
	if s := auth.Scopes(nt); len(s) > 0 {
		a.Scopes = s
	}
	if st, ok := nt.Extra("subscription_type").(string); ok && st != "" {
		if a.Extra == nil {
			a.Extra = map[string]string{}
		}
		a.Extra["subscription_type"] = st
	}
	if p.RefreshTokenLifetime > 0 && (auth.Rotated(old, nt) || p.Rotation == auth.RotationAlways) {
		a.RefreshExpiry = now.Add(p.RefreshTokenLifetime)
	}
	return a
}
