package keeper

import (
	"context"
	"time"

	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
)

// SignedIn stores a new sign-in — connect, reconnect, import — for acct
// (new, or existing: it keeps its ID and name): the token and its metadata,
// under the account's lock, so that no refresh in flight writes an older
// token over it. What the keeper remembered of the account's earlier token
// (a refreshed token the store refused, retries, conditions announced) is
// dropped. It returns the account as stored, announces it and schedules it.
func (k *Keeper) SignedIn(ctx context.Context, acct store.Account, p auth.Provider, tok *oauth2.Token) (store.Account, error) {
	err := k.cfg.Tokens.Locked(ctx, acct.ID, func(tx AccountTx) error {
		k.forget(acct.ID)
		if err := tx.SaveToken(tok); err != nil {
			return err
		}
		now := k.cfg.Now()
		isNew := acct.Connected.IsZero()
		acct = refreshed(acct, p, tok, tok, now)
		if isNew {
			acct.Connected, acct.LastRefresh = now, time.Time{}
		}
		if p.RefreshTokenLifetime > 0 {
			acct.RefreshExpiry = now.Add(p.RefreshTokenLifetime)
		}
		return tx.PutAccount(acct)
	})
	if err != nil {
		return store.Account{}, err
	}
	k.emit(Event{Account: acct.ID, Kind: EventConnected, At: k.cfg.Now()})
	k.Wake()
	return acct, nil
}

// Forget removes an account — its metadata, state and token — under its
// lock, and what the keeper remembered of it, and wakes the scheduler.
func (k *Keeper) Forget(ctx context.Context, id string) error {
	err := k.cfg.Tokens.Locked(ctx, id, func(tx AccountTx) error {
		k.forget(id)
		return tx.Delete()
	})
	k.Wake()
	return err
}

// forget drops what the keeper remembers of an account's token: a
// refreshed token the store refused, conditions announced, retries and the
// monotonic deadline.
func (k *Keeper) forget(id string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.unsaved, id) // older than the new sign-in: never adopt it
	delete(k.said, id)
	delete(k.retries, id)
	delete(k.deadlines, id)
}
