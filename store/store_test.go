package store_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

func randomToken(t *testing.T, n int) string {
	b := make([]byte, n*3/4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	s := base64.RawURLEncoding.EncodeToString(b)
	storetest.Secret(t, s)
	return s
}

func mode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// TestRoundTrip: a 16 KB token (far over the Windows and macOS keyring
// limits) survives a trip through the sealed store and the real keyring,
// read back by a second Store as a second process would.
func TestRoundTrip(t *testing.T) {
	st := storetest.Open(t)
	c := ctx(t)
	tok := &oauth2.Token{
		AccessToken:  randomToken(t, 16<<10),
		RefreshToken: randomToken(t, 512),
		TokenType:    "Bearer",
		Expiry:       time.Now().Add(time.Hour).Round(time.Second),
	}
	acct := store.Account{ID: "a1", Provider: "clio-us", Name: "Demo User", Scopes: []string{"read"}, Expiry: tok.Expiry}
	err := st.Update(c, func(tx *store.Tx) error {
		if err := tx.SaveToken(acct.ID, tok); err != nil {
			return err
		}
		return tx.PutAccount(acct)
	})
	if err != nil {
		t.Fatal(err)
	}

	st2, err := store.Open(store.Options{Dir: st.Dir(), Service: storetest.Service(t)})
	if err != nil {
		t.Fatal(err)
	}
	got, err := st2.LoadToken(c, acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessToken != tok.AccessToken || got.RefreshToken != tok.RefreshToken || !got.Expiry.Equal(tok.Expiry) {
		t.Fatal("token read back differs")
	}
	accts, err := st2.Accounts()
	if err != nil || len(accts) != 1 || accts[0].Name != "Demo User" {
		t.Fatalf("accounts = %+v, %v", accts, err)
	}

	// Files: 0600 and 0700 (Windows: the user's alone), and no secret in
	// any of them in the clear.
	for _, p := range []string{filepath.Join(st.Dir(), "accounts.json"), filepath.Join(st.Dir(), "secrets", "account-a1.sealed")} {
		checkPrivate(t, p, false)
		data, _ := os.ReadFile(p)
		if bytes.Contains(data, []byte(tok.AccessToken)) || bytes.Contains(data, []byte(tok.RefreshToken)) {
			t.Errorf("%s holds a token in the clear", p)
		}
	}
	for _, d := range []string{st.Dir(), filepath.Join(st.Dir(), "secrets")} {
		checkPrivate(t, d, true)
	}

	// Delete removes the secret too.
	if err := st2.DeleteAccount(c, acct.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st2.LoadToken(c, acct.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after delete: %v, want ErrNotFound", err)
	}
}

// TestTamperedSecret: a changed sealed file, or one moved to another
// account's name, does not open.
func TestTamperedSecret(t *testing.T) {
	st := storetest.Open(t)
	c := ctx(t)
	for _, id := range []string{"a", "b"} {
		if err := st.Update(c, func(tx *store.Tx) error { return tx.SaveToken(id, &oauth2.Token{AccessToken: randomToken(t, 40)}) }); err != nil {
			t.Fatal(err)
		}
	}
	path := func(id string) string { return filepath.Join(st.Dir(), "secrets", "account-"+id+".sealed") }
	a, _ := os.ReadFile(path("a"))
	if err := os.WriteFile(path("b"), a, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := st.LoadToken(c, "b")
	var ue *store.UnreadableError
	if !errors.As(err, &ue) || !errors.Is(err, store.ErrUnreadable) {
		t.Errorf("swapped file: %v, want *UnreadableError", err)
	}
	a[len(a)-1] ^= 1
	os.WriteFile(path("a"), a, 0o600)
	if _, err := st.LoadToken(c, "a"); !errors.Is(err, store.ErrUnreadable) {
		t.Errorf("flipped bit: %v, want ErrUnreadable", err)
	}
}

// TestCorruptMetadata: a file that does not parse is kept aside, reported,
// and never overwritten silently.
func TestCorruptMetadata(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "accounts.json")
	bad := []byte(`{"version":1,"accounts":[{"id":"a1","name":"Half`)
	if err := os.WriteFile(path, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := store.Open(store.Options{Dir: dir})
	var ce *store.CorruptError
	if !errors.As(err, &ce) {
		t.Fatalf("open: %v, want *CorruptError", err)
	}
	if ce.Backup == "" || ce.Path != path {
		t.Errorf("the error does not say which file, and where the copy is: %+v", ce)
	}
	if kept, _ := os.ReadFile(ce.Backup); !bytes.Equal(kept, bad) {
		t.Error("the copy kept aside differs from the corrupt file")
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, bad) {
		t.Error("the corrupt file was changed")
	}
	// Opening again keeps one copy, not one per attempt.
	store.Open(store.Options{Dir: dir})
	copies, _ := filepath.Glob(path + ".corrupt-*")
	if len(copies) != 1 {
		t.Errorf("%d copies kept, want 1", len(copies))
	}

	st, err := store.Open(store.Options{Dir: dir, ResetCorrupt: true})
	if err != nil {
		t.Fatalf("open with ResetCorrupt: %v", err)
	}
	if accts, err := st.Accounts(); err != nil || len(accts) != 0 {
		t.Errorf("after reset: %v, %v", accts, err)
	}
	if _, err := os.Stat(ce.Backup); err != nil {
		t.Errorf("the copy is gone after reset: %v", err)
	}

	// A store already open refuses to write over a file corrupted later.
	if err := st.Update(ctx(t), func(tx *store.Tx) error { return tx.PutAccount(store.Account{ID: "x"}) }); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, []byte("garbage"), 0o600)
	if err := st.Update(ctx(t), func(tx *store.Tx) error { return tx.PutAccount(store.Account{ID: "y"}) }); !errors.Is(err, store.ErrCorrupt) {
		t.Errorf("write over a corrupt file: %v, want ErrCorrupt", err)
	}
	if now, _ := os.ReadFile(path); string(now) != "garbage" {
		t.Error("the corrupt file was overwritten")
	}
}

// TestConcurrentWriters: goroutines of several Stores on one directory
// (as several processes) each add an account; none is lost.
func TestConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	c := ctx(t)
	var wg sync.WaitGroup
	const n = 40
	errs := make(chan error, n)
	for i := range n {
		st, err := store.Open(store.Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- st.Update(c, func(tx *store.Tx) error {
				return tx.PutAccount(store.Account{ID: "acct-" + string(rune('a'+i%26)) + string(rune('a'+i/26))})
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	st, _ := store.Open(store.Options{Dir: dir})
	if accts, _ := st.Accounts(); len(accts) != n {
		t.Errorf("%d accounts, want %d", len(accts), n)
	}
}

// TestCrossProcessLock: while this process holds the store-wide lock
// (Update), a child process cannot take it; it gets it once released.
func TestCrossProcessLock(t *testing.T) {
	if dir := os.Getenv("TOKENTRAY_LOCK_CHILD"); dir != "" {
		lockChild(dir)
		return
	}
	dir := t.TempDir()
	st, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	child := exec.Command(os.Args[0], "-test.run=^TestCrossProcessLock$")
	child.Env = append(os.Environ(), "TOKENTRAY_LOCK_CHILD="+dir)
	child.Stderr = os.Stderr
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx(t), func(tx *store.Tx) error {
		if err := child.Start(); err != nil {
			return err
		}
		// Hold the lock until the child says its attempt was refused.
		line, err := bufio.NewReader(out).ReadString('\n')
		if line != "refused\n" {
			return fmt.Errorf("child said %q (%v), want refused", line, err)
		}
		return tx.PutAccount(store.Account{ID: "parent"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	if accts, _ := st.Accounts(); len(accts) != 2 {
		t.Errorf("accounts = %+v, want parent and child", accts)
	}
}

func lockChild(dir string) {
	st, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		os.Exit(3)
	}
	short, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if st.Update(short, func(*store.Tx) error { return nil }) == nil {
		os.Exit(4) // took a lock the parent holds
	}
	fmt.Println("refused")
	if st.Update(context.Background(), func(tx *store.Tx) error { return tx.PutAccount(store.Account{ID: "child"}) }) != nil {
		os.Exit(5)
	}
	os.Exit(0)
}

// TestKeyringUnavailable: with no Secret Service on the bus, saving a
// secret is a *KeyringError with advice, and nothing is written in the
// clear. Run in a child process whose session bus address leads nowhere.
func TestKeyringUnavailable(t *testing.T) {
	storetest.LinuxOnly(t, "no D-Bus session bus to take away; Windows' Credential Manager is part of the system")
	if os.Getenv("TOKENTRAY_NOBUS_CHILD") != "" {
		st, err := store.Open(store.Options{Dir: os.Getenv("TOKENTRAY_NOBUS_CHILD"), KeyringTimeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		err = st.Update(context.Background(), func(tx *store.Tx) error {
			return tx.SaveToken("a1", &oauth2.Token{AccessToken: "plaintext-must-not-land"})
		})
		var ke *store.KeyringError
		if !errors.As(err, &ke) || !errors.Is(err, store.ErrKeyringUnavailable) {
			t.Fatalf("save without a keyring: %v, want *KeyringError", err)
		}
		// ui/words says it: no keyring runs, and the fix.
		if !ke.Missing() || ke.Locked() || ke.Timeout {
			t.Errorf("no session bus: missing %v, locked %v, timeout %v; want it missing", ke.Missing(), ke.Locked(), ke.Timeout)
		}
		return
	}
	dir := t.TempDir()
	child := exec.Command(os.Args[0], "-test.run=^TestKeyringUnavailable$", "-test.v")
	child.Env = append(os.Environ(), "TOKENTRAY_NOBUS_CHILD="+dir,
		"DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(dir, "no-bus"))
	if out, err := child.CombinedOutput(); err != nil || !bytes.Contains(out, []byte("--- PASS")) {
		t.Fatalf("child: %v\n%s", err, out)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "secrets"))
	if len(entries) != 0 {
		t.Errorf("%d files in secrets/ although the keyring was unavailable", len(entries))
	}
}

// TestKeyringLocked: a locked collection (locked for real over D-Bus, in a
// private session of its own so other tests keep their keyring) is a
// *KeyringError that says so, within the timeout, never a plaintext
// fallback.
func TestKeyringLocked(t *testing.T) {
	storetest.LinuxOnly(t, "locks a Secret Service collection over D-Bus; Windows' Credential Manager has no lock of its own")
	if dir := os.Getenv("TOKENTRAY_LOCKED_CHILD"); dir != "" {
		if err := lockDefaultCollection(); err != nil {
			t.Fatalf("lock the keyring: %v", err)
		}
		st, err := store.Open(store.Options{Dir: dir, KeyringTimeout: 2 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		err = st.Update(context.Background(), func(tx *store.Tx) error {
			return tx.SaveToken("a1", &oauth2.Token{AccessToken: "plaintext-must-not-land"})
		})
		var ke *store.KeyringError
		if !errors.As(err, &ke) {
			t.Fatalf("save with a locked keyring: %v, want a keyring error", err)
		}
		// With a display, the unlock prompt waits for a password (the
		// timeout); without one, the unlock fails at once. Either way
		// ui/words says that the keyring is locked.
		if !ke.Locked() && !ke.Timeout {
			t.Errorf("locked keyring: locked %v, timeout %v; want it said that the keyring is locked", ke.Locked(), ke.Timeout)
		}
		return
	}
	storetest.RequireSession(t)
	dir := t.TempDir()
	child := exec.Command("dbus-run-session", "--", "sh", "-c",
		`printf %s pw | gnome-keyring-daemon --unlock --components=secrets --control-directory="$TOKENTRAY_LOCKED_CHILD/kr" >/dev/null && exec "$0" -test.run='^TestKeyringLocked$' -test.v`,
		os.Args[0])
	child.Env = append(os.Environ(), "TOKENTRAY_LOCKED_CHILD="+dir)
	if out, err := child.CombinedOutput(); err != nil || !bytes.Contains(out, []byte("--- PASS")) {
		t.Fatalf("child: %v\n%s", err, out)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "secrets"))
	if len(entries) != 0 {
		t.Errorf("%d files in secrets/ although the keyring was locked", len(entries))
	}
}

func lockDefaultCollection() error {
	conn, err := dbus.SessionBus()
	if err != nil {
		return err
	}
	svc := conn.Object("org.freedesktop.secrets", "/org/freedesktop/secrets")
	var locked []dbus.ObjectPath
	var prompt dbus.ObjectPath
	return svc.Call("org.freedesktop.Secret.Service.Lock", 0,
		[]dbus.ObjectPath{"/org/freedesktop/secrets/aliases/default"}).Store(&locked, &prompt)
}

// TestKeyringTimeout: a keyring call that never returns (a locked keyring
// waiting on a prompt nobody answers) ends with a timeout error. A real
// keyring cannot be made to hang on cue, so this one path uses a stand-in.
func TestKeyringTimeout(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	st, err := store.Open(store.WithKeyring(store.Options{Dir: t.TempDir(), KeyringTimeout: 50 * time.Millisecond}, hangingKeyring{block}))
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx(t), func(tx *store.Tx) error { return tx.SaveToken("a1", &oauth2.Token{AccessToken: "x"}) })
	var ke *store.KeyringError
	if !errors.As(err, &ke) || !ke.Timeout {
		t.Fatalf("err = %v, want a timeout *KeyringError", err)
	}
}

type hangingKeyring struct{ block chan struct{} }

func (k hangingKeyring) Get(string, string) (string, error) { <-k.block; return "", errors.New("late") }
func (k hangingKeyring) Set(string, string, string) error   { <-k.block; return errors.New("late") }
func (k hangingKeyring) Delete(string, string) error        { <-k.block; return errors.New("late") }
