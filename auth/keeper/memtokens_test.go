package keeper

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
)

// memTokens is a TokenStore in memory, for tests that need no keyring;
// failSave and failLock inject the store's failures.
type memTokens struct {
	mu       sync.Mutex
	order    []string
	accts    map[string]store.Account
	toks     map[string]oauth2.Token
	locks    map[string]*sync.Mutex
	failSave error
	failLock error
	locked   atomic.Int64 // Locked calls
}

func newMemTokens() *memTokens {
	return &memTokens{accts: map[string]store.Account{}, toks: map[string]oauth2.Token{}, locks: map[string]*sync.Mutex{}}
}

func (m *memTokens) put(a store.Account, tok *oauth2.Token) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.accts[a.ID]; !ok {
		m.order = append(m.order, a.ID)
	}
	m.accts[a.ID] = a
	m.toks[a.ID] = *tok
}

func (m *memTokens) Accounts() ([]store.Account, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.Account
	for _, id := range m.order {
		out = append(out, m.accts[id])
	}
	return out, nil
}

func (m *memTokens) Account(id string) (store.Account, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.accts[id]
	if !ok {
		return store.Account{}, store.ErrNotFound
	}
	return a, nil
}

func (m *memTokens) LoadToken(_ context.Context, id string) (*oauth2.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.toks[id]
	if !ok {
		return nil, store.ErrNotFound
	}
	return &t, nil
}

func (m *memTokens) Locked(_ context.Context, id string, fn func(AccountTx) error) error {
	m.locked.Add(1)
	m.mu.Lock()
	if m.failLock != nil {
		m.mu.Unlock()
		return m.failLock
	}
	l := m.locks[id]
	if l == nil {
		l = &sync.Mutex{}
		m.locks[id] = l
	}
	m.mu.Unlock()
	l.Lock()
	defer l.Unlock()
	return fn(memTx{m, id})
}

type memTx struct {
	m  *memTokens
	id string
}

func (tx memTx) Account() (store.Account, error) { return tx.m.Account(tx.id) }
func (tx memTx) LoadToken() (*oauth2.Token, error) {
	return tx.m.LoadToken(context.Background(), tx.id)
}

func (tx memTx) PutAccount(a store.Account) error {
	tx.m.mu.Lock()
	defer tx.m.mu.Unlock()
	tx.m.accts[a.ID] = a
	return nil
}

func (tx memTx) Delete() error {
	tx.m.mu.Lock()
	defer tx.m.mu.Unlock()
	delete(tx.m.accts, tx.id)
	delete(tx.m.toks, tx.id)
	tx.m.order = slices.DeleteFunc(tx.m.order, func(s string) bool { return s == tx.id })
	return nil
}

func (tx memTx) SaveToken(t *oauth2.Token) error {
	tx.m.mu.Lock()
	defer tx.m.mu.Unlock()
	if tx.m.failSave != nil {
		return tx.m.failSave
	}
	tx.m.toks[tx.id] = *t
	return nil
}

// memKeeper is a keeper on memory, against srv, its clock real.
func memKeeper(t *testing.T, srv *authtest.Server, m *memTokens) (*Keeper, auth.Provider) {
	t.Helper()
	p := auth.Generic(srv.URL+authtest.PathAuthorize, srv.URL+authtest.PathToken)
	p.ClientID = authtest.PublicClientID
	k := New(Config{Tokens: m, Provider: func(context.Context, store.Account) (auth.Provider, error) { return p, nil }})
	t.Cleanup(func() { k.Close() })
	return k, p
}

// issue is a grant freshly issued by srv, its access token taken to expire
// at expiry.
func issue(t *testing.T, srv *authtest.Server, expiry time.Time) *oauth2.Token {
	t.Helper()
	issued, err := srv.IssueTokens(context.Background(), "openid")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Secret(t, issued.AccessToken, issued.RefreshToken)
	return &oauth2.Token{AccessToken: issued.AccessToken, RefreshToken: issued.RefreshToken, TokenType: "bearer", Expiry: expiry}
}
