// Package store keeps Tokentray's accounts: metadata in JSON files (mode
// 0600, written atomically, no secrets) and secrets sealed with AES-256-GCM
// under a key held in the OS keyring (github.com/zalando/go-keyring). A file
// lock serialises writers across processes, so the tray and any number of
// CLI processes never spend the same rotating refresh token twice.
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
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/gofrs/flock"
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

// ErrNotFound is returned for an unknown account or secret.
var ErrNotFound = errors.New("not found")

// ErrCorrupt matches (errors.Is) every *CorruptError.
var ErrCorrupt = errors.New("metadata file is corrupt")

// CorruptError reports a metadata file that does not parse. The store keeps
// a copy at Backup and refuses to overwrite the file until it is reopened
// with Options.ResetCorrupt. ui/words says it to a person.
type CorruptError struct {
	Path, Backup string
	Err          error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("metadata file %s is corrupt (copy kept at %s): %v", e.Path, e.Backup, e.Err)
}
func (e *CorruptError) Unwrap() error        { return e.Err }
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// ErrWrite matches (errors.Is) every *WriteError.
var ErrWrite = errors.New("cannot write")

// WriteError reports a file the store could not write (a full disk, a
// read-only folder). The file it was replacing is left as it was. ui/words
// says it to a person.
type WriteError struct {
	Path string
	Err  error
}

func (e *WriteError) Error() string        { return fmt.Sprintf("write %s: %v", e.Path, e.Err) }
func (e *WriteError) Unwrap() error        { return e.Err }
func (e *WriteError) Is(target error) bool { return target == ErrWrite }

const (
	metadataFile = "accounts.json"
	// metadataVersion 2 keeps each account's refresh state in state/; a
	// version 1 file (all in accounts.json) is read, and rewritten as 2 at
	// the first change. A Tokentray that knows only 1 refuses a 2 rather
	// than overwrite it.
	metadataVersion = 2
	lockFile        = "lock"
	secretsDir      = "secrets"
	stateDir        = "state"
)

// accountState is the part of an Account that changes at every refresh,
// kept in a file of its own per account.
type accountState struct {
	Expiry        time.Time `json:"expiry,omitzero"`
	RefreshExpiry time.Time `json:"refresh_expiry,omitzero"`
	LastRefresh   time.Time `json:"last_refresh,omitzero"`
	Status        string    `json:"status,omitempty"`
	LastProblem   Problem   `json:"last_problem,omitzero"`
	LastError     string    `json:"last_error,omitempty"`
}

func (a Account) state() accountState {
	return accountState{a.Expiry, a.RefreshExpiry, a.LastRefresh, a.Status, a.LastProblem.clone(), a.LastError}
}

func (a *Account) setState(st accountState) {
	a.Expiry, a.RefreshExpiry, a.LastRefresh, a.Status, a.LastProblem, a.LastError =
		st.Expiry, st.RefreshExpiry, st.LastRefresh, st.Status, st.LastProblem.clone(), st.LastError
}

// equal reports whether two states are the same (times compared as
// instants, as they read back from JSON).
func (st accountState) equal(o accountState) bool {
	return st.Expiry.Equal(o.Expiry) && st.RefreshExpiry.Equal(o.RefreshExpiry) && st.LastRefresh.Equal(o.LastRefresh) &&
		st.Status == o.Status && st.LastProblem.equal(o.LastProblem) && st.LastError == o.LastError
}

// settled is a without its state: what accounts.json holds of it.
func (a Account) settled() Account {
	a.setState(accountState{})
	return a
}

type metadata struct {
	Version  int       `json:"version"`
	Accounts []Account `json:"accounts"`
	// Providers holds provider settings (custom providers, client IDs,
	// endpoint overrides) by provider ID, in a shape the store does not
	// read. No secrets: client secrets are sealed like tokens.
	Providers map[string]json.RawMessage `json:"providers,omitempty"`
	// Settings are the app's preferences, in a shape the store does not
	// read.
	Settings json.RawMessage `json:"settings,omitempty"`
}

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

	mu       chan struct{} // in-process lock; flock does not exclude goroutines
	flock    *flock.Flock
	accounts accountLocks // per-account locks (UpdateAccount)
	key      sealKey

	cacheMu sync.Mutex
	cache   *cachedMetadata        // the last accounts.json parsed
	states  map[string]cachedState // the last state file parsed, by account ID
}

// cachedState is a parsed state file and the file it came from (see
// cachedMetadata).
type cachedState struct {
	fi os.FileInfo
	st accountState
}

// cachedMetadata is a parsed metadata file and the file it came from: every
// write is a rename of a new file, so the same file (os.SameFile), size and
// modification time mean the same content, whichever process wrote it.
type cachedMetadata struct {
	fi os.FileInfo
	md metadata
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

// Open opens (creating, mode 0700) the store's directory and checks the
// metadata file. It does not touch the keyring: that happens on the first
// secret read or write. A corrupt metadata file is a *CorruptError unless
// opts.ResetCorrupt.
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

// Accounts returns every account, in the order they were added. It reads
// the file without the lock: writes are atomic renames.
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

// index is the position of account id in md, or -1.
func (md *metadata) index(id string) int {
	return slices.IndexFunc(md.Accounts, func(x Account) bool { return x.ID == id })
}

// account is md's account i with its state.
func (md *metadata) account(s *Store, i int) Account {
	a := md.Accounts[i]
	if st, ok := s.readState(a.ID); ok {
		a.setState(st)
	}
	return a
}

// read returns the metadata, each account with its state, as a copy the
// caller may change.
func (s *Store) read() (*metadata, error) {
	md, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	for i := range md.Accounts {
		md.Accounts[i] = md.account(s, i)
	}
	return md, nil
}

// readState returns the account's state file, if it has one that reads
// (an account connected by a version 1 Tokentray keeps its state in
// accounts.json until its first change). An unchanged file is parsed once.
// A damaged one is passed over: the state is rewritten at the next
// refresh, and meanwhile the account shows what accounts.json last said.
func (s *Store) readState(id string) (accountState, bool) {
	if !validName(id) {
		return accountState{}, false
	}
	path := s.statePath(id)
	fi, err := os.Stat(path)
	if err != nil {
		return accountState{}, false
	}
	s.cacheMu.Lock()
	c, ok := s.states[id]
	s.cacheMu.Unlock()
	if ok && os.SameFile(c.fi, fi) && c.fi.Size() == fi.Size() && c.fi.ModTime().Equal(fi.ModTime()) {
		return c.st, true
	}
	data, err := readShared(path)
	var st accountState
	if err != nil || json.Unmarshal(data, &st) != nil {
		return accountState{}, false
	}
	s.cacheMu.Lock()
	s.states[id] = cachedState{fi: fi, st: st}
	s.cacheMu.Unlock()
	return st, true
}

func (s *Store) statePath(id string) string { return filepath.Join(s.dir, stateDir, id+".json") }

// writeState replaces the account's state file.
func (s *Store) writeState(id string, st accountState) error {
	data, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode state of %s: %w", id, err)
	}
	path := s.statePath(id)
	if err := writeAtomic(path, append(data, '\n')); err != nil {
		return err
	}
	if fi, err := os.Stat(path); err == nil {
		s.cacheMu.Lock()
		s.states[id] = cachedState{fi: fi, st: st}
		s.cacheMu.Unlock()
	}
	return nil
}

// readIndex returns accounts.json's content, a copy the caller may change.
// An unchanged file is parsed once.
func (s *Store) readIndex() (*metadata, error) {
	path := filepath.Join(s.dir, metadataFile)
	f, err := openShared(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &metadata{Version: metadataVersion}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	s.cacheMu.Lock()
	c := s.cache
	s.cacheMu.Unlock()
	if c != nil && os.SameFile(c.fi, fi) && c.fi.Size() == fi.Size() && c.fi.ModTime().Equal(fi.ModTime()) {
		return c.md.clone(), nil
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var md metadata
	if err := json.Unmarshal(data, &md); err != nil {
		return nil, s.corrupt(path, data, err)
	}
	if md.Version != 1 && md.Version != metadataVersion {
		return nil, s.corrupt(path, data, fmt.Errorf("unknown version %d", md.Version))
	}
	s.cacheMu.Lock()
	s.cache = &cachedMetadata{fi: fi, md: md}
	s.cacheMu.Unlock()
	return md.clone(), nil
}

// clone copies md deeply enough that changing the copy's accounts, their
// scopes or extras leaves md alone.
func (md *metadata) clone() *metadata {
	out := &metadata{Version: md.Version, Accounts: make([]Account, len(md.Accounts)), Providers: maps.Clone(md.Providers),
		Settings: slices.Clone(md.Settings)}
	for i, a := range md.Accounts {
		a.Scopes = slices.Clone(a.Scopes)
		a.Extra = maps.Clone(a.Extra)
		out.Accounts[i] = a
	}
	return out
}

// corrupt keeps a copy of a bad metadata file aside, named by its content
// hash so that repeated reads keep one copy.
func (s *Store) corrupt(path string, data []byte, cause error) error {
	sum := sha256.Sum256(data)
	backup := path + ".corrupt-" + hex.EncodeToString(sum[:6])
	if _, err := os.Stat(backup); errors.Is(err, fs.ErrNotExist) {
		if err := writeAtomic(backup, data); err != nil {
			return fmt.Errorf("keep a copy of corrupt %s: %w", path, err)
		}
	}
	return &CorruptError{Path: path, Backup: backup, Err: cause}
}

// write replaces accounts.json with md, its accounts' states left to their
// own files: those it does not find yet (an account kept by a version 1
// file) are written first. The caller holds the store lock, so the file it
// just renamed into place is still its own when it stats it.
func (s *Store) write(md *metadata) error {
	md = md.clone()
	md.Version = metadataVersion
	for i, a := range md.Accounts {
		if st := a.state(); validName(a.ID) && !st.equal(accountState{}) {
			if _, err := os.Stat(s.statePath(a.ID)); errors.Is(err, fs.ErrNotExist) {
				if err := s.writeState(a.ID, st); err != nil {
					return err
				}
			}
		}
		md.Accounts[i] = a.settled()
	}
	data, err := json.MarshalIndent(md, "", "  ")
	if err != nil {
		return fmt.Errorf("encode metadata: %w", err)
	}
	path := filepath.Join(s.dir, metadataFile)
	if err := writeAtomic(path, append(data, '\n')); err != nil {
		return err
	}
	if fi, err := os.Stat(path); err == nil {
		s.cacheMu.Lock()
		s.cache = &cachedMetadata{fi: fi, md: *md.clone()}
		s.cacheMu.Unlock()
	}
	return nil
}

// readShared reads the whole file at path (see openShared).
func readShared(path string) ([]byte, error) {
	f, err := openShared(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// writeAtomic writes data to path with mode 0600: temp file in the same
// directory, fsync, rename, fsync of the directory.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return &WriteError{Path: path, Err: err}
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = restrictFile(f); err != nil {
		return &WriteError{Path: path, Err: err}
	}
	if _, err = f.Write(data); err != nil {
		return &WriteError{Path: path, Err: err}
	}
	if err = f.Sync(); err != nil {
		return &WriteError{Path: path, Err: err}
	}
	if err = f.Close(); err != nil {
		return &WriteError{Path: path, Err: err}
	}
	if err = replaceFile(f.Name(), path); err != nil {
		return &WriteError{Path: path, Err: err}
	}
	syncDir(dir)
	return nil
}

// Tx is the store while its lock is held: reads see the latest state of
// every process, writes are safe to read-modify-write. A Tx is valid only
// inside the function given to Update.
type Tx struct {
	ctx context.Context
	s   *Store
}

// Update runs fn with the store locked against every other goroutine and
// process. Use it for read-refresh-write: re-read the stored token inside
// fn; if another process already refreshed it, adopt it.
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

// DeleteAccount removes the account and its sealed secret. Deleting an
// unknown account is not an error.
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

// Providers returns the stored provider settings by provider ID.
func (s *Store) Providers() (map[string]json.RawMessage, error) {
	md, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	return md.Providers, nil
}

// Settings returns the stored preferences (nil when none were saved).
func (s *Store) Settings() (json.RawMessage, error) {
	md, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	return md.Settings, nil
}

// PutSettings stores the preferences.
func (tx *Tx) PutSettings(settings json.RawMessage) error {
	md, err := tx.s.readIndex()
	if err != nil {
		return err
	}
	md.Settings = settings
	return tx.s.write(md)
}

// PutProvider stores settings for a provider ID (nil deletes them).
func (tx *Tx) PutProvider(id string, settings json.RawMessage) error {
	if !validName(id) {
		return fmt.Errorf("provider ID %q: want letters, digits, '-', '_' or '.'", id)
	}
	md, err := tx.s.readIndex()
	if err != nil {
		return err
	}
	if settings == nil {
		delete(md.Providers, id)
	} else {
		if md.Providers == nil {
			md.Providers = map[string]json.RawMessage{}
		}
		md.Providers[id] = settings
	}
	return tx.s.write(md)
}

// DeleteAccount removes the account under its own lock (so that no
// refresh in flight writes it back), then the store's.
func (s *Store) DeleteAccount(ctx context.Context, id string) error {
	if !validName(id) {
		return s.Update(ctx, func(tx *Tx) error { return tx.DeleteAccount(id) })
	}
	return s.UpdateAccount(ctx, id, func(tx *AccountTx) error { return tx.Delete() })
}

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
