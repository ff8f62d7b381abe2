package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"slices"
	"time"
)

// Account is one connected account's metadata. It holds no secret.
type Account struct {
	// ID is stable and random; it names the account's sealed secret.
	ID string `json:"id"`
	// Provider is the provider's ID ("clio-us", "clientcasa", …).
	Provider string `json:"provider"`
	// Name is what the user sees; Login is the email or user name used as
	// login_hint on reconnect; Subject is the provider's user ID.
	Name    string `json:"name"`
	Login   string `json:"login,omitempty"`
	Subject string `json:"subject,omitempty"`
	// Scopes granted.
	Scopes []string `json:"scopes,omitempty"`
	// Expiry of the access token; zero when the provider did not say.
	Expiry time.Time `json:"expiry,omitzero"`
	// RefreshExpiry is when the refresh token stops working, where known.
	RefreshExpiry time.Time `json:"refresh_expiry,omitzero"`
	// Connected and LastRefresh are when the account was connected and
	// last refreshed.
	Connected   time.Time `json:"connected,omitzero"`
	LastRefresh time.Time `json:"last_refresh,omitzero"`
	// Status is a short state word ("ok", "reconnect", "failing").
	Status string `json:"status,omitempty"`
	// LastProblem is what last went wrong, as words said when shown (in
	// the reader's language: ui/words.LastError); zero when nothing is
	// wrong. LastError is the English sentence an older Tokentray kept
	// instead: read, shown when there is no LastProblem, and cleared
	// whenever LastProblem is set or cleared. Never a token.
	LastProblem Problem `json:"last_problem,omitzero"`
	LastError   string  `json:"last_error,omitempty"`
	// Extra holds non-secret provider data (Anthropic subscription_type).
	Extra map[string]string `json:"extra,omitempty"`
}

// Accounts returns every account, in the order they were added. It takes
// no lock: writes are atomic renames.
func (s *Store) Accounts() ([]Account, error) {
	md, err := s.read()
	if err != nil {
		return nil, err
	}
	return md.Accounts, nil
}

// Account returns one account, or ErrNotFound. It reads accounts.json
// and that account's state alone.
func (s *Store) Account(id string) (Account, error) {
	md, err := s.readIndex()
	if err != nil {
		return Account{}, err
	}
	if i := md.index(id); i >= 0 {
		return md.account(s, i), nil
	}
	return Account{}, fmt.Errorf("account %q: %w", id, ErrNotFound)
}

// PutAccount adds a, or replaces the account with a's ID. A change of its
// state alone (a refresh) writes only the account's state file.
func (tx *Tx) PutAccount(a Account) error {
	if !validName(a.ID) {
		return fmt.Errorf("account ID %q: want letters, digits, '-', '_' or '.'", a.ID)
	}
	md, err := tx.s.readIndex()
	if err != nil {
		return err
	}
	i := md.index(a.ID)
	var cur Account
	if i >= 0 {
		cur = md.account(tx.s, i)
	}
	// The state first: a new account's replaces any left by an account of
	// that ID removed before.
	if i < 0 || !a.state().equal(cur.state()) {
		if err := tx.s.writeState(a.ID, a.state()); err != nil {
			return err
		}
	}
	if i >= 0 && reflect.DeepEqual(a.settled(), cur.settled()) {
		if _, ok := tx.s.readState(a.ID); ok || a.state().equal(accountState{}) {
			return nil // accounts.json already says all the rest
		}
	}
	if i >= 0 {
		md.Accounts[i] = a
	} else {
		md.Accounts = append(md.Accounts, a)
	}
	return tx.s.write(md)
}

// DeleteAccount removes the account, its state file and its sealed token.
// Deleting an unknown account is not an error.
func (tx *Tx) DeleteAccount(id string) error {
	md, err := tx.s.readIndex()
	if err != nil {
		return err
	}
	md.Accounts = slices.DeleteFunc(md.Accounts, func(x Account) bool { return x.ID == id })
	if err := tx.s.write(md); err != nil {
		return err
	}
	if validName(id) {
		if err := os.Remove(tx.s.statePath(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove state of %s: %w", id, err)
		}
	}
	return tx.DeleteSecret(accountSecret(id))
}

// DeleteAccount removes the account under its own lock (so that no
// refresh in flight writes it back), then the store's.
func (s *Store) DeleteAccount(ctx context.Context, id string) error {
	if !validName(id) {
		return s.Update(ctx, func(tx *Tx) error { return tx.DeleteAccount(id) })
	}
	return s.UpdateAccount(ctx, id, func(tx *AccountTx) error { return tx.Delete() })
}
