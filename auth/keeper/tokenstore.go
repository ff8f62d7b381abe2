package keeper

import (
	"context"

	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/store"
)

// TokenStore is the storage the keeper needs: Persistent(*store.Store) is
// the real one; tests use one in memory.
type TokenStore interface {
	Accounts() ([]store.Account, error)
	Account(id string) (store.Account, error)
	LoadToken(ctx context.Context, id string) (*oauth2.Token, error)
	// Locked runs fn holding account id's lock, against every other
	// goroutine and process, and no other account's.
	Locked(ctx context.Context, id string, fn func(AccountTx) error) error
}

// AccountTx is one account while its lock is held (see TokenStore.Locked).
type AccountTx interface {
	Account() (store.Account, error)
	LoadToken() (*oauth2.Token, error)
	SaveToken(*oauth2.Token) error
	PutAccount(store.Account) error
	Delete() error
}

// Persistent is the TokenStore of a *store.Store: Locked takes the
// account's lock (store.UpdateAccount: locks/ID.lock, and a mutex within
// the process); inside it, the store-wide lock is held only for each short
// write of metadata (and of a token, until the folder has a sealing key of
// its own).
func Persistent(s *store.Store) TokenStore { return persistent{s} }

// persistent is a *store.Store as a TokenStore.
type persistent struct{ *store.Store }

// Locked is store.UpdateAccount, with a *store.AccountTx as the AccountTx.
func (p persistent) Locked(ctx context.Context, id string, fn func(AccountTx) error) error {
	return p.UpdateAccount(ctx, id, func(tx *store.AccountTx) error { return fn(tx) })
}
