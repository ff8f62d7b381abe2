package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/gofrs/flock"
	"golang.org/x/oauth2"
)

// accountLocks are the in-process halves of the per-account locks (flock
// does not exclude goroutines of one process).
type accountLocks struct {
	mu sync.Mutex
	by map[string]chan struct{}
}

func (l *accountLocks) get(id string) chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.by == nil {
		l.by = map[string]chan struct{}{}
	}
	ch, ok := l.by[id]
	if !ok {
		ch = make(chan struct{}, 1)
		l.by[id] = ch
	}
	return ch
}

// AccountTx is one account while its lock is held: its token can be read,
// refreshed and written back without any other goroutine or process doing
// the same in between. Other accounts are not held up; the store-wide lock
// is taken only for the short writes of PutAccount and Delete, and by
// SaveToken until the folder has a sealing key of its own. An AccountTx is
// valid only inside the function given to UpdateAccount.
type AccountTx struct {
	ctx context.Context
	s   *Store
	id  string
}

// UpdateAccount runs fn with account id locked against every other
// goroutine and process (locks/ID.lock). Use it for read-refresh-write:
// re-read the stored token inside fn; if another process already refreshed
// it, adopt it. A lock on another account, or the store-wide lock, does not
// wait for it. Lock order: an account's lock, then the store's.
func (s *Store) UpdateAccount(ctx context.Context, id string, fn func(tx *AccountTx) error) error {
	if !validName(id) {
		return fmt.Errorf("account ID %q: %w", id, ErrNotFound)
	}
	ch := s.accounts.get(id)
	select {
	case ch <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("wait for the lock of account %s: %w", id, ctx.Err())
	}
	defer func() { <-ch }()
	fl := flock.New(filepath.Join(s.dir, locksDir, id+".lock"), flock.SetPermissions(0o600))
	ok, err := fl.TryLockContext(ctx, 20*time.Millisecond)
	if err != nil {
		return fmt.Errorf("lock account %s: %w", id, err)
	}
	if !ok {
		return fmt.Errorf("lock account %s: not acquired", id)
	}
	defer fl.Close() //nolint:errcheck // closing the file releases the lock
	return fn(&AccountTx{ctx: ctx, s: s, id: id})
}

// Account returns the account as stored now.
func (tx *AccountTx) Account() (Account, error) { return tx.s.Account(tx.id) }

// LoadToken opens the account's sealed token.
func (tx *AccountTx) LoadToken() (*oauth2.Token, error) { return tx.s.LoadToken(tx.ctx, tx.id) }

// SaveToken seals the account's token (see Tx.SaveToken). Until the folder
// has a sealing key of its own (made on first use, or an older Tokentray's
// shared key adopted), it seals under the store-wide lock.
func (tx *AccountTx) SaveToken(tok *oauth2.Token) error {
	if !tx.s.hasOwnKey(tx.ctx) {
		return tx.s.Update(tx.ctx, func(stx *Tx) error { return stx.SaveToken(tx.id, tok) })
	}
	return (&Tx{ctx: tx.ctx, s: tx.s}).SaveToken(tx.id, tok)
}

// PutAccount writes the account's metadata (a must be this account), under
// the store-wide lock, held only for this write.
func (tx *AccountTx) PutAccount(a Account) error {
	if a.ID != tx.id {
		return fmt.Errorf("put account %s inside the lock of %s", a.ID, tx.id)
	}
	return tx.s.Update(tx.ctx, func(stx *Tx) error { return stx.PutAccount(a) })
}

// Delete removes the account, its state and its sealed token.
func (tx *AccountTx) Delete() error {
	return tx.s.Update(tx.ctx, func(stx *Tx) error { return stx.DeleteAccount(tx.id) })
}
