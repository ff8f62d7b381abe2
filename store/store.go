// Package store keeps Tokentray's accounts: metadata in JSON files (mode
// 0600, written atomically, no secrets) and secrets sealed with AES-256-GCM
// under a key held in the OS keyring (github.com/zalando/go-keyring).
//
// Two kinds of lock, each held across goroutines and processes, let the
// tray and any number of CLI processes share the folder. A refresh holds
// its account's lock (UpdateAccount, locks/ID.lock), so no two processes
// spend the same rotating refresh token, while other accounts refresh at
// the same time. Writes of accounts.json and of secrets that belong to no
// account, and the making of the sealing key, hold the store-wide lock
// (Update, the file named lock) for as long as the write. Reads take neither
// lock: every file is replaced by an atomic rename.
//
// Sealing with a keyring-held key, rather than putting tokens in the keyring
// itself, avoids backend size limits (Windows 2,560 bytes, macOS about
// 3,000; JWTs exceed both) and costs one keyring read per process.
//
// The metadata is one file for what changes seldom (accounts.json: the
// accounts' names, providers and scopes, provider settings, preferences)
// and one small file per account for what changes at every refresh
// (state/ID.json: expiry, status, last error), so that a refresh writes
// the same few hundred bytes however many accounts there are.
package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gofrs/flock"
)

// ErrNotFound is returned for an unknown account or secret.
var ErrNotFound = errors.New("not found")

// The store's folder holds these files and folders.
const (
	metadataFile = "accounts.json" // accounts and settings: metadata.go
	lockFile     = "lock"          // the store-wide lock: store_lock.go
	secretsDir   = "secrets"       // sealed secrets, and key-id: seal.go
	stateDir     = "state"         // one state file per account: state.go
	locksDir     = "locks"         // one lock file per account: account_lock.go
)

// Options configures Open. The zero value is usable.
type Options struct {
	// Dir holds the files; default DefaultDir().
	Dir string
	// Service is the keyring service name; default "tokentray".
	Service string
	// KeyringTimeout bounds each keyring call; default
	// DefaultKeyringTimeout.
	KeyringTimeout time.Duration
	// ResetCorrupt starts with an empty account list when the metadata file
	// is corrupt (a copy is kept aside first).
	ResetCorrupt bool

	keyring keyringAPI // tests only
}

// Store is safe for concurrent use by goroutines and processes.
type Store struct {
	dir     string
	service string
	timeout time.Duration
	keyring keyringAPI

	mu       chan struct{} // the store-wide lock's in-process half: flock does not exclude goroutines
	flock    *flock.Flock  // the store-wide lock's file (Update)
	accounts accountLocks  // per-account locks (UpdateAccount)
	key      sealKey

	cacheMu sync.Mutex
	cache   *cachedMetadata        // the last accounts.json parsed
	states  map[string]cachedState // the last state file parsed, by account ID
}

// DefaultDir is $TOKENTRAY_CONFIG_DIR, else os.UserConfigDir()/tokentray
// (%AppData%\Tokentray on Windows).
func DefaultDir() (string, error) {
	if d := os.Getenv("TOKENTRAY_CONFIG_DIR"); d != "" {
		return d, nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find config dir: %w", err)
	}
	return filepath.Join(d, dirName), nil
}

// Open opens (creating, mode 0700) the store's directory and its secrets/,
// state/ and locks/ folders, and checks the metadata file. It does not
// touch the keyring: that happens on the first secret read or write. A
// corrupt metadata file is a *CorruptError unless opts.ResetCorrupt.
func Open(opts Options) (*Store, error) {
	dir := opts.Dir
	if dir == "" {
		var err error
		if dir, err = DefaultDir(); err != nil {
			return nil, err
		}
	}
	for _, d := range []string{secretsDir, stateDir, locksDir} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			return nil, fmt.Errorf("create %s: %w", dir, err)
		}
	}
	for _, d := range []string{dir, filepath.Join(dir, secretsDir), filepath.Join(dir, stateDir), filepath.Join(dir, locksDir)} {
		if err := restrictDir(d); err != nil {
			return nil, fmt.Errorf("restrict %s: %w", d, err)
		}
	}
	s := &Store{
		dir:     dir,
		service: opts.Service,
		timeout: opts.KeyringTimeout,
		keyring: opts.keyring,
		states:  map[string]cachedState{},
		mu:      make(chan struct{}, 1),
		flock:   flock.New(filepath.Join(dir, lockFile), flock.SetPermissions(0o600)),
	}
	if s.service == "" {
		s.service = defaultService
	}
	if s.timeout <= 0 {
		s.timeout = DefaultKeyringTimeout
	}
	if s.keyring == nil {
		s.keyring = osKeyring{}
	}
	if _, err := s.readIndex(); err != nil {
		if !opts.ResetCorrupt || !errors.Is(err, ErrCorrupt) {
			return nil, err
		}
		// The copy is kept aside (read made it); start an empty list.
		err := s.Update(context.Background(), func(*Tx) error {
			return s.write(&metadata{Version: metadataVersion})
		})
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Dir returns the store's directory.
func (s *Store) Dir() string { return s.dir }

// validName accepts names safe as file names on every OS.
func validName(s string) bool {
	if s == "" || len(s) > 128 || s[0] == '.' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
