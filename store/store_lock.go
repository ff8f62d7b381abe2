package store

import (
	"context"
	"fmt"
	"time"
)

// Tx is the store while its store-wide lock is held: reads see the latest
// state of every process, writes are safe to read-modify-write. A Tx is
// valid only inside the function given to Update (AccountTx.SaveToken also
// seals through one, under the account's lock alone, once the folder's own
// sealing key is at hand).
type Tx struct {
	ctx context.Context
	s   *Store
}

// Update runs fn holding the store-wide lock (an in-process channel, then
// the lock file) against every other goroutine and process in Update. Use
// it to read-modify-write accounts.json (accounts, provider settings,
// preferences) and secrets that belong to no account. A refresh holds its
// account's lock instead (UpdateAccount), which Update does not wait for;
// an account's lock is taken before the store-wide one, never after.
func (s *Store) Update(ctx context.Context, fn func(tx *Tx) error) error {
	select {
	case s.mu <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("wait for store lock: %w", ctx.Err())
	}
	defer func() { <-s.mu }()
	ok, err := s.flock.TryLockContext(ctx, 20*time.Millisecond)
	if err != nil {
		return fmt.Errorf("lock %s: %w", s.flock.Path(), err)
	}
	if !ok {
		return fmt.Errorf("lock %s: not acquired", s.flock.Path())
	}
	defer s.flock.Unlock() //nolint:errcheck // closing the file releases it too
	return fn(&Tx{ctx: ctx, s: s})
}

// Accounts returns every account.
func (tx *Tx) Accounts() ([]Account, error) { return tx.s.Accounts() }

// Account returns one account, or ErrNotFound.
func (tx *Tx) Account(id string) (Account, error) { return tx.s.Account(id) }
