package store_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tokentray/tokentray/store"
)

// TestRefreshWritesOnlyItsState: with 100 accounts, a change of one
// account's refresh state (what the keeper writes at every refresh) leaves
// accounts.json alone and writes that account's few hundred bytes, which
// another process (another Store on the folder) reads; a change of name
// rewrites accounts.json, which then holds no state; a removed account's
// state goes with it, and a new account of the same ID starts clean.
func TestRefreshWritesOnlyItsState(t *testing.T) {
	dir := t.TempDir()
	c := ctx(t)
	st, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	expiry := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	if err := st.Update(c, func(tx *store.Tx) error {
		for i := range 100 {
			a := store.Account{ID: fmt.Sprintf("acct-%03d", i), Provider: "clio-eu", Name: fmt.Sprintf("Account %d", i),
				Scopes: []string{"read"}, Expiry: expiry, Status: "ok"}
			if err := tx.PutAccount(a); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	index := filepath.Join(dir, "accounts.json")
	before, _ := os.ReadFile(index)
	fiBefore, _ := os.Stat(index)
	if bytes.Contains(before, []byte(`"expiry"`)) || bytes.Contains(before, []byte(`"status"`)) {
		t.Errorf("accounts.json holds refresh state:\n%.300s", before)
	}

	a, err := st.Account("acct-042")
	if err != nil {
		t.Fatal(err)
	}
	a.Expiry, a.LastRefresh, a.Status, a.LastError = expiry.Add(time.Hour), expiry, "failing", "The provider did not answer."
	if err := st.Update(c, func(tx *store.Tx) error { return tx.PutAccount(a) }); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(index)
	fiAfter, _ := os.Stat(index)
	if !bytes.Equal(after, before) || !os.SameFile(fiBefore, fiAfter) {
		t.Error("a change of state rewrote accounts.json")
	}
	state, err := os.ReadFile(filepath.Join(dir, "state", "acct-042.json"))
	if err != nil || len(state) > 300 {
		t.Errorf("state file: %d bytes, %v", len(state), err)
	}

	other, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	got, err := other.Account("acct-042")
	if err != nil || !got.Expiry.Equal(a.Expiry) || got.Status != "failing" || got.LastError != a.LastError || got.Name != "Account 42" {
		t.Errorf("another process reads %+v, %v", got, err)
	}
	if got, _ := other.Account("acct-043"); !got.Expiry.Equal(expiry) || got.Status != "ok" {
		t.Errorf("its neighbour reads %+v", got)
	}
	// The other process changes it again: the first one sees that.
	got.Status = "ok"
	if err := other.Update(c, func(tx *store.Tx) error { return tx.PutAccount(got) }); err != nil {
		t.Fatal(err)
	}
	if again, _ := st.Account("acct-042"); again.Status != "ok" {
		t.Errorf("status after the other process's change: %q", again.Status)
	}

	got.Name = "Renamed"
	if err := other.Update(c, func(tx *store.Tx) error { return tx.PutAccount(got) }); err != nil {
		t.Fatal(err)
	}
	if renamed, _ := os.ReadFile(index); bytes.Equal(renamed, before) || !bytes.Contains(renamed, []byte(`"Renamed"`)) {
		t.Error("a change of name did not reach accounts.json")
	}
	if again, _ := st.Account("acct-042"); again.Name != "Renamed" || !again.Expiry.Equal(a.Expiry) {
		t.Errorf("after the rename: %+v", again)
	}

	if err := st.DeleteAccount(c, "acct-042"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "state", "acct-042.json")); !os.IsNotExist(err) {
		t.Errorf("the removed account's state is still there: %v", err)
	}
	if err := st.Update(c, func(tx *store.Tx) error {
		return tx.PutAccount(store.Account{ID: "acct-042", Provider: "clio-eu", Name: "New"})
	}); err != nil {
		t.Fatal(err)
	}
	if fresh, _ := other.Account("acct-042"); fresh.Status != "" || !fresh.Expiry.IsZero() {
		t.Errorf("a new account inherited state: %+v", fresh)
	}
}

// TestVersion1File: accounts.json as a version 1 Tokentray wrote it (the
// state inside) reads as it was; the first change writes version 2, each
// account's state in its file, and nothing is lost.
func TestVersion1File(t *testing.T) {
	dir := t.TempDir()
	v1 := `{"version":1,"accounts":[
{"id":"a","provider":"clio-us","name":"Ann","expiry":"2026-01-02T03:04:05Z","status":"ok","last_refresh":"2026-01-01T03:04:05Z"},
{"id":"b","provider":"clientcasa","name":"Bob","status":"reconnect","last_error":"Reconnect needed."}],
"providers":{"acme":{"client_id":"x"}},"settings":{"clear_clipboard_seconds":30}}`
	if err := os.WriteFile(filepath.Join(dir, "accounts.json"), []byte(v1), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	check := func(when string, st *store.Store) {
		t.Helper()
		a, _ := st.Account("a")
		b, _ := st.Account("b")
		if !a.Expiry.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) || a.Status != "ok" || a.LastRefresh.IsZero() ||
			b.Status != "reconnect" || b.LastError != "Reconnect needed." || b.Name != "Bob" {
			t.Errorf("%s: %+v %+v", when, a, b)
		}
	}
	check("read as version 1", st)
	if err := st.Update(ctx(t), func(tx *store.Tx) error {
		return tx.PutAccount(store.Account{ID: "c", Provider: "clio-ca", Name: "Cy"})
	}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "accounts.json"))
	if !bytes.Contains(data, []byte(`"version": 2`)) || bytes.Contains(data, []byte("Reconnect needed.")) {
		t.Errorf("not rewritten as version 2 without state:\n%s", data)
	}
	again, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	check("rewritten as version 2", again)
	var acme struct {
		ClientID string `json:"client_id"`
	}
	if p, _ := again.Providers(); json.Unmarshal(p["acme"], &acme) != nil || acme.ClientID != "x" {
		t.Errorf("provider settings: %s", p["acme"])
	}
}

// TestDamagedStateFile: a state file that does not parse is passed over
// (the account reads, without its state) and replaced at the next change.
func TestDamagedStateFile(t *testing.T) {
	dir := t.TempDir()
	c := ctx(t)
	st, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Update(c, func(tx *store.Tx) error {
		return tx.PutAccount(store.Account{ID: "a", Provider: "clio-us", Name: "Ann", Status: "ok"})
	}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "state", "a.json")
	if err := os.WriteFile(path, []byte("{\x00garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := st.Account("a")
	if err != nil || a.Name != "Ann" || a.Status != "" {
		t.Fatalf("with a damaged state file: %+v, %v", a, err)
	}
	a.Status = "failing"
	if err := st.Update(c, func(tx *store.Tx) error { return tx.PutAccount(a) }); err != nil {
		t.Fatal(err)
	}
	if again, _ := store.Open(store.Options{Dir: dir}); again != nil {
		if b, _ := again.Account("a"); b.Status != "failing" {
			t.Errorf("after the next change: %+v", b)
		}
	}
}
