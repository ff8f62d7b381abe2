package accounts

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
)

// Find returns the account whose ID or name (any case) is name.
func (a *App) Find(name string) (store.Account, error) {
	accts, err := a.store.Accounts()
	if err != nil {
		return store.Account{}, err
	}
	var found []store.Account
	for _, acct := range accts {
		if acct.ID == name {
			return acct, nil
		}
		if strings.EqualFold(acct.Name, name) {
			found = append(found, acct)
		}
	}
	switch len(found) {
	case 0:
		return store.Account{}, &NameError{ErrNoAccount, name}
	case 1:
		return found[0], nil
	}
	return store.Account{}, &NameError{ErrAmbiguous, name}
}

// newID is a new account's ID: 16 random hex digits.
func newID() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}

// add names a new account and stores it through the keeper. (Two
// connects finishing at the same moment with the same name may both keep
// it; Find then asks for the ID.)
func (a *App) add(ctx context.Context, acct store.Account, p auth.Provider, tok *auth.Token) (store.Account, error) {
	accts, err := a.store.Accounts()
	if err != nil {
		return store.Account{}, err
	}
	acct.ID = newID()
	acct.Name = uniqueName(accts, acct.Name, p.Name)
	return a.keeper.SignedIn(ctx, acct, p, tok)
}

// uniqueName is name (or fallback) made distinct from the accounts' names.
func uniqueName(accts []store.Account, name, fallback string) string {
	if name == "" {
		name = fallback
	}
	taken := map[string]bool{}
	for _, a := range accts {
		taken[strings.ToLower(a.Name)] = true
	}
	out := name
	for i := 2; taken[strings.ToLower(out)]; i++ {
		out = fmt.Sprintf("%s (%d)", name, i)
	}
	return out
}
