package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/tokentray/tokentray/store"
)

// FuzzMetadata: whatever the accounts file holds (a bad edit, a crash of
// another program, a disk error), opening the store gives either the
// accounts or a *CorruptError — never a panic or another error — and a
// readable file can be written back and read again unchanged.
func FuzzMetadata(f *testing.F) {
	f.Add([]byte(`{"version":1,"accounts":[]}`))
	f.Add([]byte(`{"version":1,"accounts":[{"id":"a","provider":"clio-us","name":"Ann","expiry":"2026-01-02T03:04:05Z","status":"ok","scopes":["x"],"extra":{"subscription_type":"max"}}],"providers":{"acme":{"client_id":"x"}},"settings":{"clear_clipboard_seconds":30}}`))
	f.Add([]byte(`{"version":2,"accounts":[]}`))
	f.Add([]byte(`{"version":1,"accounts":[{"id":"../../etc/passwd"}]}`))
	f.Add([]byte(`{"version":1,"accounts":[{"id":"a","expiry":"10000-01-01T00:00:00Z"}]}`))
	f.Add([]byte(`{"version":1,"settings":null,"providers":{"x":null}}`))
	f.Add([]byte("{\"version\":1,\"accounts\":[{\"id\":\"a\",\"name\":\"\\ud800\"}]}"))
	f.Add([]byte(``))
	f.Add([]byte{0xff, 0xfe, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "accounts.json"), data, 0o600); err != nil {
			t.Fatal(err)
		}
		st, err := store.Open(store.Options{Dir: dir})
		if err != nil {
			if !errors.Is(err, store.ErrCorrupt) {
				t.Fatalf("not a CorruptError: %v", err)
			}
			return
		}
		before, err := st.Accounts()
		if err != nil {
			t.Fatal(err)
		}
		// Write it back (as any change would), then read it fresh.
		err = st.Update(context.Background(), func(tx *store.Tx) error {
			return tx.PutAccount(store.Account{ID: "fuzz-added", Provider: "generic", Name: "x"})
		})
		if err != nil {
			t.Fatalf("a file that reads cannot be written back: %v", err)
		}
		again, err := store.Open(store.Options{Dir: dir})
		if err != nil {
			t.Fatalf("reopen after writing: %v", err)
		}
		after, err := again.Accounts()
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before)+1 && !contains(before, "fuzz-added") {
			t.Fatalf("%d accounts before, %d after adding one", len(before), len(after))
		}
		for i, a := range before {
			if after[i].ID != a.ID || after[i].Name != a.Name || !after[i].Expiry.Equal(a.Expiry) {
				t.Fatalf("account %d changed by a write: %+v → %+v", i, a, after[i])
			}
		}
	})
}

func contains(accts []store.Account, id string) bool {
	for _, a := range accts {
		if a.ID == id {
			return true
		}
	}
	return false
}
