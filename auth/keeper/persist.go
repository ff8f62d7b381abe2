package keeper

import (
	"time"

	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
)

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
	k.mu.Lock()
	delete(k.unsaved, id)
	k.mu.Unlock()
	return u, nil
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
