//go:build windows

package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/tokentray/tokentray/store"
)

// TestReplaceWhileOpen: on Windows a file held open by another program
// (antivirus, backup, an editor) without delete sharing cannot be replaced.
// A write while such a handle is open fails with a plain WriteError after
// its bounded retry, and the list on disk stays whole; once the handle is
// closed, writes work again. Readers inside Tokentray share delete and
// retry (TestConcurrentWriters runs 40 writers against each other's reads).
func TestReplaceWhileOpen(t *testing.T) {
	dir := t.TempDir()
	c := ctx(t)
	st, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"first", "second"} {
		if err := st.Update(c, func(tx *store.Tx) error { return tx.PutAccount(store.Account{ID: id}) }); err != nil {
			t.Fatal(err)
		}
	}
	blocker, err := os.Open(filepath.Join(dir, "accounts.json"))
	if err != nil {
		t.Fatal(err)
	}
	st2, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatalf("open while another program holds the list: %v", err)
	}
	err = st2.Update(c, func(tx *store.Tx) error { return tx.PutAccount(store.Account{ID: "third"}) })
	blocker.Close()
	if !errors.Is(err, store.ErrWrite) {
		t.Fatalf("write while the list is held open: %v, want a store.WriteError", err)
	}
	if accts, err := st.Accounts(); err != nil || len(accts) != 2 {
		t.Errorf("after the refused write: %d accounts, %v; want the 2 from before", len(accts), err)
	}
	if err := st2.Update(c, func(tx *store.Tx) error { return tx.PutAccount(store.Account{ID: "third"}) }); err != nil {
		t.Errorf("once the other handle closed: %v", err)
	}
}
