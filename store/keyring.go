package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/zalando/go-keyring"
)

// defaultService is the keyring service name of a store whose Options name
// none.
const defaultService = "tokentray"

// DefaultKeyringTimeout bounds every keyring call. A locked keyring may wait
// for the user to type a password in a system prompt, so it is generous.
const DefaultKeyringTimeout = 20 * time.Second

// ErrKeyringUnavailable matches (errors.Is) every *KeyringError.
var ErrKeyringUnavailable = errors.New("keyring unavailable")

// KeyringError is a failure of the OS keyring: no Secret Service, a locked
// collection, a call that did not return in time. Tokentray never falls back
// to plaintext: the user must fix the keyring, as ui/words tells them (a
// locked keyring is to be unlocked, a missing one installed).
type KeyringError struct {
	Op      string // "read key", "store key"
	Timeout bool   // the call did not return within the timeout
	Err     error
}

func (e *KeyringError) Error() string {
	if e.Timeout {
		return fmt.Sprintf("keyring %s: no answer within the timeout", e.Op)
	}
	return fmt.Sprintf("keyring %s: %v", e.Op, e.Err)
}

func (e *KeyringError) Unwrap() error { return e.Err }

func (e *KeyringError) Is(target error) bool { return target == ErrKeyringUnavailable }

// Locked reports whether the keyring answered but stayed locked (its
// unlock prompt was dismissed, or could not be shown).
func (e *KeyringError) Locked() bool {
	if dbusErrorName(e.Err) == "org.freedesktop.Secret.Error.IsLocked" {
		return true
	}
	// go-keyring's own error when an unlock did not unlock the collection.
	return e.Err != nil && strings.Contains(e.Err.Error(), "failed to unlock")
}

// Missing reports whether no keyring is there to answer: no Secret Service
// on the session bus, or no session bus at all.
func (e *KeyringError) Missing() bool {
	switch dbusErrorName(e.Err) {
	case "org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner":
		return true
	}
	var oe *net.OpError
	return errors.As(e.Err, &oe) && oe.Op == "dial"
}

// dbusErrorName is the name of the D-Bus error reply in err's chain, or "".
func dbusErrorName(err error) string {
	var v dbus.Error
	if errors.As(err, &v) {
		return v.Name
	}
	var p *dbus.Error
	if errors.As(err, &p) && p != nil {
		return p.Name
	}
	return ""
}

// keyringAPI is the part of go-keyring the store uses; tests of error paths
// a real keyring cannot produce may swap it.
type keyringAPI interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}

type osKeyring struct{}

func (osKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (osKeyring) Set(service, user, secret string) error   { return keyring.Set(service, user, secret) }
func (osKeyring) Delete(service, user string) error        { return keyring.Delete(service, user) }

// errNotFound is go-keyring's ErrNotFound translated at the boundary.
var errNotFound = errors.New("not found in keyring")

// withTimeout runs a keyring call in a goroutine and gives up after d: a
// locked keyring can block forever. The goroutine ends when the call does;
// its buffered channel lets it finish without a reader.
func withTimeout[T any](ctx context.Context, d time.Duration, op string, call func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := call()
		ch <- result{v, err}
	}()
	timer := time.NewTimer(d)
	defer timer.Stop()
	var zero T
	select {
	case r := <-ch:
		if errors.Is(r.err, keyring.ErrNotFound) {
			return zero, errNotFound
		}
		if r.err != nil {
			return zero, &KeyringError{Op: op, Err: r.err}
		}
		return r.v, nil
	case <-timer.C:
		return zero, &KeyringError{Op: op, Timeout: true}
	case <-ctx.Done():
		return zero, fmt.Errorf("keyring %s: %w", op, ctx.Err())
	}
}

// CheckKeyring asks the keyring for a sealing key (the entry older
// Tokentrays shared, which a folder without a key of its own reads first),
// under the store's service name and within its keyring timeout, as the
// first secret read of a process would: nil when the keyring answers
// (whether or not the key exists), else a *KeyringError (or ctx's error,
// wrapped).
func (s *Store) CheckKeyring(ctx context.Context) error {
	return checkKeyring(ctx, s.keyring, s.service, s.timeout)
}

// CheckKeyring is Store.CheckKeyring for the store opts describe, without
// opening it (which would create its folder): opts' Service and
// KeyringTimeout, with Open's defaults. tokentray doctor asks it.
func CheckKeyring(ctx context.Context, opts Options) error {
	api, service, timeout := opts.keyring, opts.Service, opts.KeyringTimeout
	if api == nil {
		api = osKeyring{}
	}
	if service == "" {
		service = defaultService
	}
	if timeout <= 0 {
		timeout = DefaultKeyringTimeout
	}
	return checkKeyring(ctx, api, service, timeout)
}

func checkKeyring(ctx context.Context, api keyringAPI, service string, timeout time.Duration) error {
	_, err := withTimeout(ctx, timeout, "read key", func() (string, error) {
		return api.Get(service, keyringUser)
	})
	if errors.Is(err, errNotFound) {
		return nil
	}
	return err
}
