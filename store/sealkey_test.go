package store_test

import (
	"bufio"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
)

// sharedKeyName is the keyring entry under which every Tokentray from
// before per-store keys kept the sealing key of every folder.
const sharedKeyName = "sealing-key-v1"

// keyService is a keyring service name of the test's own (storetest.Service)
// and of this run's (a random suffix: no entry of an earlier run is there
// to decide the outcome). forgetKeys deletes what the test's folders put
// there, by name.
func keyService(t *testing.T) string {
	t.Helper()
	var suffix [6]byte
	rand.Read(suffix[:])
	return fmt.Sprintf("%s-%x", storetest.Service(t), suffix)
}

// forgetKeys deletes, when the test ends (before its temporary folders
// go), the keyring entries that stores in dirs made on service: the key
// each folder's secrets/key-id names, and the shared one of old versions.
// Each by name, never with go-keyring's DeleteAll: on Windows that lists
// every credential of the user (CredEnumerateW), and under Wine a listing
// made while another process writes or deletes a credential crashes the
// listing process (an access violation Wine cannot dispatch: exit status
// 5, no output). Under make test-windows other test binaries do write
// credentials meanwhile.
func forgetKeys(t *testing.T, service string, dirs ...string) {
	t.Helper()
	t.Cleanup(func() {
		keyring.Delete(service, sharedKeyName) //nolint:errcheck // none is fine
		for _, dir := range dirs {
			if id, err := os.ReadFile(filepath.Join(dir, "secrets", "key-id")); err == nil {
				keyring.Delete(service, sharedKeyName+"-"+strings.TrimSpace(string(id))) //nolint:errcheck
			}
		}
	})
}

// race makes stores interleave as the keyring lets them: no store writes
// to the keyring before every store has read from it once — two stores
// that found no key both go on to write one.
type race struct {
	mu       sync.Mutex
	left     int
	allAsked chan struct{}
}

func newRace(n int) *race { return &race{left: n, allAsked: make(chan struct{})} }

func (r *race) asked() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.left--; r.left == 0 {
		close(r.allAsked)
	}
}

// racingKeyring is one store's way to the real keyring in a race.
type racingKeyring struct {
	r    *race
	once sync.Once
}

func (k *racingKeyring) Get(service, user string) (string, error) {
	v, err := keyring.Get(service, user)
	k.once.Do(k.r.asked)
	return v, err
}

func (k *racingKeyring) Set(service, user, secret string) error {
	select {
	case <-k.r.allAsked:
	case <-time.After(30 * time.Second):
		return errors.New("the other stores never asked the keyring")
	}
	return keyring.Set(service, user, secret)
}

func (k *racingKeyring) Delete(service, user string) error { return keyring.Delete(service, user) }

// TestSealingKeysOfTwoFoldersRace: two stores in two folders, on one
// keyring service, both find no sealing key and make one at the same
// moment (goroutines released together, each store's first keyring write
// held until both have read); each seals a token. Afterwards each folder,
// opened afresh as a later process would, opens its own token: neither
// store's key replaced the other's.
func TestSealingKeysOfTwoFoldersRace(t *testing.T) {
	storetest.RequireSession(t)
	service := keyService(t)
	c := ctx(t)
	r := newRace(2)
	dirs := []string{t.TempDir(), t.TempDir()}
	forgetKeys(t, service, dirs...)
	toks := []string{randomToken(t, 64), randomToken(t, 64)}
	start := make(chan struct{})
	errs := make(chan error, len(dirs))
	var wg sync.WaitGroup
	for i, dir := range dirs {
		st, err := store.Open(store.WithKeyring(store.Options{Dir: dir, Service: service}, &racingKeyring{r: r}))
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs <- st.Update(c, func(tx *store.Tx) error { return tx.SaveToken("a", &oauth2.Token{AccessToken: toks[i]}) })
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("save: %v", err)
		}
	}
	checkOwnTokens(t, service, dirs, toks)
}

// checkOwnTokens: each folder, opened by a new Store (nothing cached), opens
// the token sealed in it.
func checkOwnTokens(t *testing.T, service string, dirs, toks []string) {
	t.Helper()
	for i, dir := range dirs {
		st, err := store.Open(store.Options{Dir: dir, Service: service})
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.LoadToken(ctx(t), "a")
		switch {
		case err != nil:
			t.Errorf("folder %d of %d no longer opens its own token: %v", i+1, len(dirs), err)
		case got.AccessToken != toks[i]:
			t.Errorf("folder %d of %d opens another token", i+1, len(dirs))
		}
	}
}

// pipedKeyring is a child process's way to the real keyring in
// TestSealingKeysOfTwoProcessesRace: it says "asked" on stdout after its
// first read, and waits for a line on stdin before its first write.
type pipedKeyring struct {
	in           *bufio.Reader
	asked, wrote sync.Once
}

func (k *pipedKeyring) Get(service, user string) (string, error) {
	v, err := keyring.Get(service, user)
	k.asked.Do(func() { fmt.Println("asked") })
	return v, err
}

func (k *pipedKeyring) Set(service, user, secret string) error {
	var err error
	k.wrote.Do(func() { _, err = k.in.ReadString('\n') })
	if err != nil {
		return fmt.Errorf("wait for the go-ahead: %w", err)
	}
	return keyring.Set(service, user, secret)
}

func (k *pipedKeyring) Delete(service, user string) error { return keyring.Delete(service, user) }

// TestSealingKeysOfTwoProcessesRace: as TestSealingKeysOfTwoFoldersRace,
// with three processes, each with a folder of its own on one keyring
// service: each reads the keyring, says so, and makes its first keyring
// write only once every process has read.
func TestSealingKeysOfTwoProcessesRace(t *testing.T) {
	if dir := os.Getenv("TOKENTRAY_KEYRACE_CHILD"); dir != "" {
		keyRaceChild(dir, os.Getenv("TOKENTRAY_KEYRACE_SERVICE"), os.Getenv("TOKENTRAY_KEYRACE_TOKEN"))
		return
	}
	storetest.RequireSession(t)
	service := keyService(t)
	const n = 3
	var dirs, toks []string
	var stdins []io.WriteCloser
	var lines []chan string
	var children []*exec.Cmd
	t.Cleanup(func() {
		for i, child := range children {
			stdins[i].Close() // a child still waiting for the go-ahead ends
			for range lines[i] {
			}
			child.Wait()
		}
	})
	for range n {
		dir, tok := t.TempDir(), randomToken(t, 64)
		forgetKeys(t, service, dir)
		child := exec.Command(os.Args[0], "-test.run=^TestSealingKeysOfTwoProcessesRace$")
		child.Env = append(os.Environ(), "TOKENTRAY_KEYRACE_CHILD="+dir, "TOKENTRAY_KEYRACE_SERVICE="+service,
			"TOKENTRAY_KEYRACE_TOKEN="+tok)
		child.Stderr = os.Stderr
		in, err := child.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		out, err := child.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		said := make(chan string)
		go func() { // owned: ends when the child's stdout closes
			defer close(said)
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				said <- strings.TrimSpace(sc.Text())
			}
		}()
		dirs, toks, stdins, lines, children = append(dirs, dir), append(toks, tok), append(stdins, in), append(lines, said), append(children, child)
	}
	next := func(i int) string {
		select {
		case l, ok := <-lines[i]:
			if !ok {
				t.Fatalf("child %d ended early", i+1)
			}
			return l
		case <-time.After(60 * time.Second):
			t.Fatalf("child %d said nothing in 60 s", i+1)
		}
		return ""
	}
	for i := range n {
		if l := next(i); l != "asked" {
			t.Fatalf("child %d: %q, want asked", i+1, l)
		}
	}
	for i := range n {
		if _, err := io.WriteString(stdins[i], "write\n"); err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		if l := next(i); l != "saved" {
			t.Fatalf("child %d: %q, want saved", i+1, l)
		}
	}
	checkOwnTokens(t, service, dirs, toks)
}

// keyRaceChild seals tok in a store in dir, its keyring calls paced by the
// parent (pipedKeyring), says "saved", and exits.
func keyRaceChild(dir, service, tok string) {
	k := &pipedKeyring{in: bufio.NewReader(os.Stdin)}
	// The first write waits for the slowest child to start (Wine is slow).
	st, err := store.Open(store.WithKeyring(store.Options{Dir: dir, Service: service, KeyringTimeout: 2 * time.Minute}, k))
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(3)
	}
	err = st.Update(context.Background(), func(tx *store.Tx) error {
		return tx.SaveToken("a", &oauth2.Token{AccessToken: tok})
	})
	if err != nil {
		fmt.Println("save:", err)
		os.Exit(4)
	}
	fmt.Println("saved")
	os.Exit(0)
}

// sealV1 seals plain as a Tokentray from before per-store keys did, for
// the secret called name: "TTS1", a 12-byte nonce, AES-256-GCM with
// "tokentray/v1/"+name as associated data.
func sealV1(t *testing.T, key []byte, name string, plain []byte) []byte {
	t.Helper()
	aead := gcm(t, key)
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	return append(append([]byte("TTS1"), nonce...), aead.Seal(nil, nonce, plain, []byte("tokentray/v1/"+name))...)
}

// opensV1 reports whether key opens the sealed file at path, named name.
func opensV1(t *testing.T, key []byte, name, path string) bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	aead := gcm(t, key)
	if len(data) < 4+aead.NonceSize() {
		return false
	}
	_, err = aead.Open(nil, data[4:4+aead.NonceSize()], data[4+aead.NonceSize():], []byte("tokentray/v1/"+name))
	return err == nil
}

func gcm(t *testing.T, key []byte) cipher.AEAD {
	t.Helper()
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	return aead
}

// oldFolder makes dir as a Tokentray from before per-store keys left it: a
// token of account "old" sealed with key, which is in the keyring (or
// kr) under the shared name. It returns the token.
func oldFolder(t *testing.T, dir string, key []byte) *oauth2.Token {
	t.Helper()
	tok := &oauth2.Token{AccessToken: randomToken(t, 64), RefreshToken: randomToken(t, 64), TokenType: "Bearer"}
	data, err := json.Marshal(tok)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "secrets"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "secrets", "account-old.sealed"), sealV1(t, key, "account-old", data), 0o600); err != nil {
		t.Fatal(err)
	}
	return tok
}

func newKey(t *testing.T) []byte {
	key := make([]byte, 32)
	rand.Read(key)
	return key
}

// TestOldSharedKeyStillOpens: a folder sealed by a Tokentray from before
// per-store keys (the key in the keyring under the shared name) opens;
// its first write adopts that key as the folder's own, so the folder no
// longer needs the shared entry, which is left as it was for the folders
// that still do. A new folder on the same service gets a key of its own.
func TestOldSharedKeyStillOpens(t *testing.T) {
	storetest.RequireSession(t)
	service := keyService(t)
	c := ctx(t)
	key := newKey(t)
	enc := base64.StdEncoding.EncodeToString(key)
	if err := keyring.Set(service, sharedKeyName, enc); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	forgetKeys(t, service, dir)
	old := oldFolder(t, dir, key)

	st, err := store.Open(store.Options{Dir: dir, Service: service})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := st.LoadToken(c, "old"); err != nil || got.AccessToken != old.AccessToken || got.RefreshToken != old.RefreshToken {
		t.Fatalf("the old folder's token: %v", err)
	}
	fresh := &oauth2.Token{AccessToken: randomToken(t, 64)}
	if err := st.Update(c, func(tx *store.Tx) error { return tx.SaveToken("new", fresh) }); err != nil {
		t.Fatal(err)
	}
	if !opensV1(t, key, "account-new", filepath.Join(dir, "secrets", "account-new.sealed")) {
		t.Error("a token saved in the old folder is not sealed with the folder's key")
	}

	other := t.TempDir()
	forgetKeys(t, service, other)
	st2, err := store.Open(store.Options{Dir: other, Service: service})
	if err != nil {
		t.Fatal(err)
	}
	if err := st2.Update(c, func(tx *store.Tx) error { return tx.SaveToken("b", &oauth2.Token{AccessToken: randomToken(t, 64)}) }); err != nil {
		t.Fatal(err)
	}
	if opensV1(t, key, "account-b", filepath.Join(other, "secrets", "account-b.sealed")) {
		t.Error("a new folder seals with the shared key of the old one")
	}

	if got, err := keyring.Get(service, sharedKeyName); err != nil || got != enc {
		t.Fatalf("the shared key was changed or removed (%v): other folders may need it", err)
	}
	if err := keyring.Delete(service, sharedKeyName); err != nil {
		t.Fatal(err)
	}
	st3, err := store.Open(store.Options{Dir: dir, Service: service})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"old": old.AccessToken, "new": fresh.AccessToken} {
		if got, err := st3.LoadToken(c, id); err != nil || got.AccessToken != want {
			t.Errorf("without the shared entry, the adopted folder's token %q: %v", id, err)
		}
	}
}

// memKeyring is a keyring in memory whose writes, or the read that checks
// a write, can be made to fail (a keyring failing, or the process dying,
// in the middle of adopting a key). Safe for concurrent use.
type memKeyring struct {
	mu        sync.Mutex
	entries   map[string]string
	failSet   bool // every write fails
	failCheck bool // reading an entry other than the shared one, once written, fails
}

func (k *memKeyring) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.entries[service+"\x00"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	if k.failCheck && user != sharedKeyName {
		return "", errors.New("the keyring went away")
	}
	return v, nil
}

func (k *memKeyring) Set(service, user, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.failSet {
		return errors.New("the keyring went away")
	}
	k.entries[service+"\x00"+user] = secret
	return nil
}

func (k *memKeyring) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.entries, service+"\x00"+user)
	return nil
}

func (k *memKeyring) set(f func()) {
	k.mu.Lock()
	defer k.mu.Unlock()
	f()
}

// TestKeyAdoptionInterrupted: when adopting the shared key of an old
// folder fails half-way (the keyring refuses the write of the folder's
// own entry, or fails on the read that checks it, as a crash would stop
// it there), the folder goes on as an old one: the token being saved is
// sealed with the shared key (a rotated refresh token is never lost for
// want of a keyring write), nothing else is written, and every token
// opens. The next process adopts the key; then the folder no longer needs
// the shared entry.
func TestKeyAdoptionInterrupted(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault func(k *memKeyring)
	}{
		{"write refused", func(k *memKeyring) { k.failSet = true }},
		{"check after write fails", func(k *memKeyring) { k.failCheck = true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := ctx(t)
			key := newKey(t)
			k := &memKeyring{entries: map[string]string{"tokentray\x00" + sharedKeyName: base64.StdEncoding.EncodeToString(key)}}
			dir := t.TempDir()
			old := oldFolder(t, dir, key)
			secrets := filepath.Join(dir, "secrets")

			st, err := store.Open(store.WithKeyring(store.Options{Dir: dir}, k))
			if err != nil {
				t.Fatal(err)
			}
			if got, err := st.LoadToken(c, "old"); err != nil || got.AccessToken != old.AccessToken {
				t.Fatalf("the old folder's token: %v", err)
			}
			k.set(func() { tc.fault(k) })
			if err := st.Update(c, func(tx *store.Tx) error { return tx.SaveToken("new", &oauth2.Token{AccessToken: "x"}) }); err != nil {
				t.Fatalf("save while the adoption fails: %v", err)
			}
			if !opensV1(t, key, "account-new", filepath.Join(secrets, "account-new.sealed")) {
				t.Error("the token saved while the adoption failed is not sealed with the folder's (shared) key")
			}
			if after, _ := os.ReadDir(secrets); len(after) != 2 {
				t.Errorf("%d files in secrets/ after the failed adoption, want the 2 sealed tokens", len(after))
			}

			k.set(func() { k.failSet, k.failCheck = false, false })
			st, err = store.Open(store.WithKeyring(store.Options{Dir: dir}, k))
			if err != nil {
				t.Fatal(err)
			}
			// As the keeper saves a refreshed token: under the account's lock.
			if err := st.UpdateAccount(c, "newer", func(tx *store.AccountTx) error { return tx.SaveToken(&oauth2.Token{AccessToken: "y"}) }); err != nil {
				t.Fatal(err)
			}
			k.Delete("tokentray", sharedKeyName)
			st, err = store.Open(store.WithKeyring(store.Options{Dir: dir}, k))
			if err != nil {
				t.Fatal(err)
			}
			for id, want := range map[string]string{"old": old.AccessToken, "new": "x", "newer": "y"} {
				if got, err := st.LoadToken(c, id); err != nil || got.AccessToken != want {
					t.Errorf("adopted by the next process, token %q: %v", id, err)
				}
			}
		})
	}
}

// TestDamagedKeyNameIsNotReplaced: a folder whose record of its key's name
// (secrets/key-id) is damaged is an error, for reading and for sealing;
// no new key is made, which would leave the folder's secrets behind.
func TestDamagedKeyNameIsNotReplaced(t *testing.T) {
	c := ctx(t)
	k := &memKeyring{entries: map[string]string{}}
	dir := t.TempDir()
	st, err := store.Open(store.WithKeyring(store.Options{Dir: dir}, k))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Update(c, func(tx *store.Tx) error { return tx.SaveToken("a", &oauth2.Token{AccessToken: "x"}) }); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "secrets", "key-id"), []byte("garbage\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err = store.Open(store.WithKeyring(store.Options{Dir: dir}, k))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.LoadToken(c, "a"); err == nil {
		t.Error("a token opened with the key's name damaged")
	}
	if err := st.Update(c, func(tx *store.Tx) error { return tx.SaveToken("b", &oauth2.Token{AccessToken: "y"}) }); err == nil {
		t.Error("a token was sealed with the key's name damaged")
	}
	if n := len(k.entries); n != 1 {
		t.Errorf("%d keyring entries, want the folder's one key", n)
	}
}
