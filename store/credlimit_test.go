package store_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
)

// credentialManagerLimit is the most a Windows Credential Manager entry
// holds (CRED_MAX_CREDENTIAL_BLOB_SIZE, 5 × 512 bytes). Wine does not
// enforce it; go-keyring does, and so does real Windows.
const credentialManagerLimit = 2560

// sizeCheckingKeyring passes every call to the real keyring, refusing (as
// Windows does) any value over the Credential Manager limit, and records
// the largest value written.
type sizeCheckingKeyring struct {
	mu      sync.Mutex
	largest int
}

func (k *sizeCheckingKeyring) Get(service, user string) (string, error) {
	return keyring.Get(service, user)
}

func (k *sizeCheckingKeyring) Set(service, user, secret string) error {
	k.mu.Lock()
	k.largest = max(k.largest, len(service)+len(user)+len(secret))
	k.mu.Unlock()
	if len(secret) > credentialManagerLimit {
		return fmt.Errorf("%d bytes: over the Credential Manager limit of %d", len(secret), credentialManagerLimit)
	}
	return keyring.Set(service, user, secret)
}

func (k *sizeCheckingKeyring) Delete(service, user string) error {
	return keyring.Delete(service, user)
}

// TestCredentialManagerLimit pins the design that lets tokens of any size
// live on Windows: the keyring holds only the sealing key, never a token.
// A 16 KB token (a large JWT) and a client secret go through the real
// keyring (Credential Manager on Windows); every value written to it stays
// far under Windows' 2,560-byte limit. Storing tokens directly in the
// keyring would fail here on every system.
func TestCredentialManagerLimit(t *testing.T) {
	storetest.RequireSession(t)
	service := keyService(t)
	kr := &sizeCheckingKeyring{}
	dir := t.TempDir()
	forgetKeys(t, service, dir)
	st, err := store.Open(store.WithKeyring(store.Options{Dir: dir, Service: service}, kr))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tok := &oauth2.Token{AccessToken: randomToken(t, 16<<10), RefreshToken: randomToken(t, 4<<10), Expiry: time.Now().Add(time.Hour)}
	if err := st.Update(ctx, func(tx *store.Tx) error { return tx.SaveToken("a1", tok) }); err != nil {
		t.Fatalf("save a 16 KB token: %v", err)
	}
	secret := randomToken(t, 3000)
	if err := st.Update(ctx, func(tx *store.Tx) error { return tx.SaveSecret("client-x", []byte(secret)) }); err != nil {
		t.Fatalf("save a 3,000-byte client secret: %v", err)
	}
	got, err := st.LoadToken(ctx, "a1")
	if err != nil || got.AccessToken != tok.AccessToken || got.RefreshToken != tok.RefreshToken {
		t.Fatalf("16 KB token did not round-trip: %v", err)
	}
	if kr.largest == 0 || kr.largest > 256 {
		t.Errorf("largest keyring entry %d bytes; want the sealing key alone (under 256 bytes, limit %d)", kr.largest, credentialManagerLimit)
	}

	if runtime.GOOS == "windows" {
		// The limit itself, on the real Credential Manager path.
		err := keyring.Set(service, "too-big", strings.Repeat("x", credentialManagerLimit+1))
		if !errors.Is(err, keyring.ErrSetDataTooBig) {
			t.Errorf("a %d-byte value: %v, want go-keyring's ErrSetDataTooBig", credentialManagerLimit+1, err)
		}
	}
}
