package store

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/oauth2"
)

// keyringUser names the sealing key's entry under the keyring service.
const keyringUser = "sealing-key-v1"

// sealMagic starts every sealed file: format version 1, AES-256-GCM with a
// 12-byte nonce; the associated data binds the ciphertext to its name.
var sealMagic = []byte("TTS1")

// ErrUnreadable matches (errors.Is) every *UnreadableError.
var ErrUnreadable = errors.New("sealed secret unreadable")

// UnreadableError reports a sealed secret that cannot be opened: its key is
// gone from the keyring, or the file was changed.
type UnreadableError struct {
	Name string
	Err  error
}

func (e *UnreadableError) Error() string {
	return fmt.Sprintf("sealed secret %s: %v", e.Name, e.Err)
}
func (e *UnreadableError) Unwrap() error        { return e.Err }
func (e *UnreadableError) Is(target error) bool { return target == ErrUnreadable }
func (e *UnreadableError) Message() string      { return render(e.Words()) }

// Words is Message as a message ID, for a translation (ui/words).
func (e *UnreadableError) Words() (string, map[string]any) {
	return "Tokentray can no longer read this account's saved tokens (the key that protects them is missing " +
		"from the system keyring, or the file was changed). Please reconnect the account.", nil
}

type sealKey struct {
	mu   sync.Mutex
	aead cipher.AEAD
}

// aead returns the sealing cipher, reading its key from the keyring once per
// process. With create (only while the store lock is held), a missing key is
// made and stored; without, a missing key is errNotFound.
func (s *Store) aead(ctx context.Context, create bool) (cipher.AEAD, error) {
	s.key.mu.Lock()
	defer s.key.mu.Unlock()
	if s.key.aead != nil {
		return s.key.aead, nil
	}
	enc, err := withTimeout(ctx, s.timeout, "read key", func() (string, error) {
		return s.keyring.Get(s.service, keyringUser)
	})
	var key []byte
	switch {
	case errors.Is(err, errNotFound) && create:
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("make sealing key: %w", err)
		}
		enc = base64.StdEncoding.EncodeToString(key)
		if _, err := withTimeout(ctx, s.timeout, "store key", func() (struct{}, error) {
			return struct{}{}, s.keyring.Set(s.service, keyringUser, enc)
		}); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	default:
		if key, err = base64.StdEncoding.DecodeString(enc); err != nil || len(key) != 32 {
			return nil, &KeyringError{Op: "read key", Err: errors.New("the sealing key in the keyring is malformed")}
		}
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("sealing cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("sealing cipher: %w", err)
	}
	s.key.aead = aead
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
