package store

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/oauth2"
)

// keyringUser names, under the keyring service, the sealing key that every
// folder of a user shared before each had its own. It is read, for a
// folder sealed with it (and adopted: copied to the folder's own name), and
// never written: two folders making their key at once wrote over each
// other's there, and the loser's secrets could not be opened again.
const keyringUser = "sealing-key-v1"

// keyIDFile, in secrets/, names the folder's own sealing key: its keyring
// entry is keyringUser+"-"+ID, an ID of 32 random hex digits made with the
// key. The name travels with the folder (moved, or reached by another
// path: a symlink, another letter case, a redirected profile), and no two
// folders make the same one, so no store writes over another's key.
const keyIDFile = "key-id"

// ownKeyName is the keyring entry of the sealing key that id names.
func ownKeyName(id string) string { return keyringUser + "-" + id }

// errMalformedKey: the keyring holds something that is not a sealing key.
var errMalformedKey = errors.New("the sealing key in the keyring is malformed")

// sealMagic starts every sealed file: format version 1, AES-256-GCM with a
// 12-byte nonce; the associated data binds the ciphertext to its name.
var sealMagic = []byte("TTS1")

// ErrUnreadable matches (errors.Is) every *UnreadableError.
var ErrUnreadable = errors.New("sealed secret unreadable")

// UnreadableError reports a sealed secret that cannot be opened: its key is
// gone from the keyring, or the file was changed. ui/words says it to a
// person.
type UnreadableError struct {
	Name string
	Err  error
}

func (e *UnreadableError) Error() string {
	return fmt.Sprintf("sealed secret %s: %v", e.Name, e.Err)
}
func (e *UnreadableError) Unwrap() error        { return e.Err }
func (e *UnreadableError) Is(target error) bool { return target == ErrUnreadable }

type sealKey struct {
	mu   sync.Mutex
	aead cipher.AEAD
	// shared: aead is the shared key of an older Tokentray (keyringUser),
	// which the folder has not adopted yet; adoptFailed: adopting it failed
	// in this process, and is left to the next.
	shared, adoptFailed bool
}

// aead returns the sealing cipher, reading its key from the keyring once per
// process: the folder's own key, else (a folder sealed by an older
// Tokentray) the shared one. With create (Tx.SaveSecret: under the
// store-wide lock, unless the folder's own key is already at hand), a
// folder without a key of its own gets one: the shared key, adopted, if it
// opens a secret sealed here, else a new key. Without create, a missing key
// is errNotFound.
func (s *Store) aead(ctx context.Context, create bool) (cipher.AEAD, error) {
	s.key.mu.Lock()
	defer s.key.mu.Unlock()
	if s.key.aead != nil && !s.key.shared {
		return s.key.aead, nil
	}
	if s.key.aead != nil && (!create || s.key.adoptFailed) {
		// The shared key still, unless another process has since given
		// the folder a key of its own.
		id, err := s.readKeyID()
		if err != nil {
			return nil, err
		}
		if id == "" {
			return s.key.aead, nil
		}
	}
	key, shared, err := s.sealingKey(ctx, create)
	if err != nil {
		return nil, err
	}
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	s.key.aead, s.key.shared = aead, shared
	return aead, nil
}

// hasOwnKey reports whether the folder's own sealing key is at hand, so
// that sealing needs no store-wide lock (it never makes or adopts a key).
func (s *Store) hasOwnKey(ctx context.Context) bool {
	if _, err := s.aead(ctx, false); err != nil {
		return false
	}
	s.key.mu.Lock()
	defer s.key.mu.Unlock()
	return !s.key.shared
}

// sealingKey finds the folder's key for aead (whose lock is held), and
// whether it is the shared key of an older Tokentray, not adopted.
func (s *Store) sealingKey(ctx context.Context, create bool) (key []byte, shared bool, err error) {
	id, err := s.readKeyID()
	if err != nil {
		return nil, false, err
	}
	if id != "" {
		key, err := s.getKey(ctx, ownKeyName(id))
		if !errors.Is(err, errNotFound) {
			return key, false, err
		}
		// Removed from the keyring: what it sealed is lost, but what an
		// older Tokentray sealed here before may still open.
	}
	old, err := s.getKey(ctx, keyringUser)
	switch {
	case errors.Is(err, errNotFound), errors.Is(err, errMalformedKey):
		old = nil // it sealed nothing here
	case err != nil:
		return nil, false, err
	}
	if !create {
		if old == nil {
			return nil, false, errNotFound
		}
		return old, true, nil
	}
	if old != nil && s.opensASecret(old) {
		if s.key.adoptFailed {
			return old, true, nil
		}
		if err := s.makeOwnKey(ctx, old); err == nil {
			return old, false, nil
		}
		if ctx.Err() != nil {
			return nil, false, fmt.Errorf("adopt the sealing key: %w", ctx.Err())
		}
		// Go on as an older Tokentray would, sealing with the shared key:
		// the folder stays as it was (makeOwnKey names its new entry only
		// once it holds the key), and a later process adopts it. Failing
		// here instead could lose a refresh token rotated a moment ago.
		s.key.adoptFailed = true
		return old, true, nil
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, false, fmt.Errorf("make sealing key: %w", err)
	}
	if err := s.makeOwnKey(ctx, key); err != nil {
		return nil, false, err
	}
	return key, false, nil
}

// makeOwnKey stores key in the keyring under a new name of the folder's
// own, reads it back, and only then names it in key-id: a crash or a
// keyring failure before that leaves at most an unused keyring entry,
// never a secret sealed with a key the folder does not name. Nothing is
// written over: the name is random, made under the store-wide lock (no
// other process makes one for this folder meanwhile), and checked to be
// free first; a name found taken, or holding another key once written, is
// an error and is not recorded.
func (s *Store) makeOwnKey(ctx context.Context, key []byte) error {
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return fmt.Errorf("make sealing key name: %w", err)
	}
	id := hex.EncodeToString(raw[:])
	name := ownKeyName(id)
	switch _, err := s.getKey(ctx, name); {
	case err == nil:
		return &KeyringError{Op: "store key", Err: errors.New("the new sealing key's name is taken")}
	case !errors.Is(err, errNotFound):
		return err
	}
	enc := base64.StdEncoding.EncodeToString(key)
	if _, err := withTimeout(ctx, s.timeout, "store key", func() (struct{}, error) {
		return struct{}{}, s.keyring.Set(s.service, name, enc)
	}); err != nil {
		return err
	}
	got, err := s.getKey(ctx, name)
	if errors.Is(err, errNotFound) || err == nil && !bytes.Equal(got, key) {
		return &KeyringError{Op: "store key", Err: errors.New("the keyring did not keep the sealing key")}
	}
	if err != nil {
		return err
	}
	return writeAtomic(s.keyIDPath(), []byte(id+"\n"))
}

// getKey reads the sealing key under name: errNotFound when there is none.
func (s *Store) getKey(ctx context.Context, name string) ([]byte, error) {
	enc, err := withTimeout(ctx, s.timeout, "read key", func() (string, error) {
		return s.keyring.Get(s.service, name)
	})
	if err != nil {
		return nil, err
	}
	key, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || len(key) != 32 {
		return nil, &KeyringError{Op: "read key", Err: errMalformedKey}
	}
	return key, nil
}

func (s *Store) keyIDPath() string { return filepath.Join(s.dir, secretsDir, keyIDFile) }

// readKeyID returns the ID in key-id, or "" when the folder names no key of
// its own yet. A damaged file is an error, never taken for none: a new key
// would leave the folder's secrets behind.
func (s *Store) readKeyID() (string, error) {
	path := s.keyIDPath()
	data, err := readShared(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	id := strings.TrimSpace(string(data))
	if raw, err := hex.DecodeString(id); err != nil || len(raw) != 16 {
		return "", fmt.Errorf("read %s: not the name of a sealing key (the file was changed)", path)
	}
	return id, nil
}

// opensASecret reports whether key opens one of the folder's sealed
// secrets.
func (s *Store) opensASecret(key []byte) bool {
	aead, err := newAEAD(key)
	if err != nil {
		return false
	}
	entries, _ := os.ReadDir(filepath.Join(s.dir, secretsDir))
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".sealed")
		if !ok || !validName(name) {
			continue
		}
		if data, err := readShared(s.secretPath(name)); err == nil {
			if _, err := openSealed(aead, name, data); err == nil {
				return true
			}
		}
	}
	return false
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("sealing cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("sealing cipher: %w", err)
	}
	return aead, nil
}

func (s *Store) secretPath(name string) string {
	return filepath.Join(s.dir, secretsDir, name+".sealed")
}

func associatedData(name string) []byte { return []byte("tokentray/v1/" + name) }

// SaveSecret seals secret under name (letters, digits, '-', '_', '.') and
// writes it atomically. On first use it creates the sealing key.
func (tx *Tx) SaveSecret(name string, secret []byte) error {
	if !validName(name) {
		return fmt.Errorf("secret name %q: want letters, digits, '-', '_' or '.'", name)
	}
	aead, err := tx.s.aead(tx.ctx, true)
	if err != nil {
		return err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return fmt.Errorf("seal %s: %w", name, err)
	}
	out := append(append(bytes.Clone(sealMagic), nonce...), aead.Seal(nil, nonce, secret, associatedData(name))...)
	return writeAtomic(tx.s.secretPath(name), out)
}

// LoadSecret opens the secret sealed under name: ErrNotFound when there is
// none, an *UnreadableError when it cannot be opened, a *KeyringError when
// the keyring fails.
func (s *Store) LoadSecret(ctx context.Context, name string) ([]byte, error) {
	if !validName(name) {
		return nil, fmt.Errorf("secret %q: %w", name, ErrNotFound)
	}
	data, err := readShared(s.secretPath(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("secret %s: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read secret %s: %w", name, err)
	}
	aead, err := s.aead(ctx, false)
	if errors.Is(err, errNotFound) {
		return nil, &UnreadableError{Name: name, Err: errors.New("its key is not in the keyring")}
	}
	if err != nil {
		return nil, err
	}
	return openSealed(aead, name, data)
}

// openSealed opens data, the secret sealed under name, or says why not
// (*UnreadableError).
func openSealed(aead cipher.AEAD, name string, data []byte) ([]byte, error) {
	head := len(sealMagic) + aead.NonceSize()
	if len(data) < head+aead.Overhead() || !bytes.Equal(data[:len(sealMagic)], sealMagic) {
		return nil, &UnreadableError{Name: name, Err: errors.New("not a sealed file")}
	}
	plain, err := aead.Open(nil, data[len(sealMagic):head], data[head:], associatedData(name))
	if err != nil {
		return nil, &UnreadableError{Name: name, Err: errors.New("authentication failed")}
	}
	return plain, nil
}

// LoadSecret is Store.LoadSecret; inside a Tx it sees other processes'
// latest writes.
func (tx *Tx) LoadSecret(name string) ([]byte, error) { return tx.s.LoadSecret(tx.ctx, name) }

// DeleteSecret removes a sealed secret; a missing one is not an error.
func (tx *Tx) DeleteSecret(name string) error {
	if err := os.Remove(tx.s.secretPath(name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete secret %s: %w", name, err)
	}
	return nil
}

func accountSecret(id string) string { return "account-" + id }

// SaveToken seals an account's token (access, refresh, type, expiry; the
// Extra fields are not kept: put what matters in the Account).
func (tx *Tx) SaveToken(accountID string, tok *oauth2.Token) error {
	if tok == nil {
		return errors.New("save token: nil token")
	}
	data, err := json.Marshal(tok)
	if err != nil {
		return fmt.Errorf("encode token: %w", err)
	}
	return tx.SaveSecret(accountSecret(accountID), data)
}

// LoadToken opens an account's sealed token.
func (s *Store) LoadToken(ctx context.Context, accountID string) (*oauth2.Token, error) {
	data, err := s.LoadSecret(ctx, accountSecret(accountID))
	if err != nil {
		return nil, err
	}
	var tok oauth2.Token
	if err := json.Unmarshal(data, &tok); err != nil {
		return nil, &UnreadableError{Name: accountSecret(accountID), Err: errors.New("token does not decode")}
	}
	return &tok, nil
}

// LoadToken is Store.LoadToken inside a Tx.
func (tx *Tx) LoadToken(accountID string) (*oauth2.Token, error) {
	return tx.s.LoadToken(tx.ctx, accountID)
}
