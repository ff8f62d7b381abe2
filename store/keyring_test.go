package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/tokentray/tokentray/store"
)

// askedKeyring answers every Get with err, or waits for block to close
// (a locked keyring whose prompt nobody answers) when err is nil, and
// records the services it was asked about.
type askedKeyring struct {
	err   error
	block chan struct{}

	mu       sync.Mutex
	services []string
}

func (k *askedKeyring) Get(service, _ string) (string, error) {
	k.mu.Lock()
	k.services = append(k.services, service)
	k.mu.Unlock()
	if k.err != nil {
		return "", k.err
	}
	<-k.block
	return "", errors.New("late")
}
func (k *askedKeyring) Set(string, string, string) error { return errors.New("not asked") }
func (k *askedKeyring) Delete(string, string) error      { return errors.New("not asked") }

func (k *askedKeyring) asked() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]string(nil), k.services...)
}

// TestCheckKeyring: the check asks the store's own keyring service, within
// the store's own timeout (a keyring that does not answer is a timeout
// *KeyringError then, not after the 20-second default), and a keyring
// without the key yet is a working one; the same for a store not opened.
func TestCheckKeyring(t *testing.T) {
	const timeout = 50 * time.Millisecond
	hanging := &askedKeyring{block: make(chan struct{})}
	defer close(hanging.block)
	st, err := store.Open(store.WithKeyring(store.Options{Dir: t.TempDir(), Service: "tokentray-check", KeyringTimeout: timeout}, hanging))
	if err != nil {
		t.Fatal(err)
	}
	notOpened := store.WithKeyring(store.Options{Service: "tokentray-check-2", KeyringTimeout: timeout}, hanging)
	for _, check := range []func(context.Context) error{
		st.CheckKeyring,
		func(ctx context.Context) error { return store.CheckKeyring(ctx, notOpened) },
	} {
		start := time.Now()
		err := check(ctx(t))
		var ke *store.KeyringError
		if !errors.As(err, &ke) || !ke.Timeout {
			t.Errorf("a keyring that does not answer: %v, want a timeout *KeyringError", err)
		}
		if took := time.Since(start); took > store.DefaultKeyringTimeout/2 {
			t.Errorf("the check took %v: not the store's timeout of %v", took, timeout)
		}
	}
	if got := hanging.asked(); len(got) != 2 || got[0] != "tokentray-check" || got[1] != "tokentray-check-2" {
		t.Errorf("services asked: %q", got)
	}

	empty := &askedKeyring{err: keyring.ErrNotFound}
	if st, err = store.Open(store.WithKeyring(store.Options{Dir: t.TempDir()}, empty)); err != nil {
		t.Fatal(err)
	}
	if err := st.CheckKeyring(ctx(t)); err != nil {
		t.Errorf("a keyring without the key yet: %v, want nil", err)
	}
	if err := store.CheckKeyring(ctx(t), store.WithKeyring(store.Options{}, empty)); err != nil {
		t.Errorf("not opened, a keyring without the key yet: %v, want nil", err)
	}
	if got := empty.asked(); len(got) != 2 || got[0] != "tokentray" || got[1] != "tokentray" {
		t.Errorf("default services asked: %q", got)
	}
}
