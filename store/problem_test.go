package store_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/tokentray/tokentray/store"
)

// phrase is a value that words itself, as a ui/words Phrase does.
type phrase struct {
	id   string
	data map[string]any
}

func (p phrase) Words() (string, map[string]any) { return p.id, p.data }

// TestProblemKeptAsWords: an account's last problem is kept in its state
// file as words (kind, message ID, fields, a phrase inside) and read back
// the same by another process, a change inside a phrase is a change, and
// it says in English what its words say; a state file an older Tokentray
// wrote (its English sentence in last_error) still reads, with no problem.
func TestProblemKeptAsWords(t *testing.T) {
	dir := t.TempDir()
	c := ctx(t)
	st, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	p := store.NewProblem("linked file", "Could not write to {{.Path}}. {{.Why}}", map[string]any{
		"Path": "/home/ada/.claude/.credentials.json",
		"Why":  phrase{"Port {{.Port}} is in use.", map[string]any{"Port": 53111}},
	})
	if want := "Could not write to /home/ada/.claude/.credentials.json. Port 53111 is in use."; p.String() != want {
		t.Errorf("the problem says %q, want %q", p.String(), want)
	}
	put := func(s *store.Store, a store.Account) {
		t.Helper()
		if err := s.Update(c, func(tx *store.Tx) error { return tx.PutAccount(a) }); err != nil {
			t.Fatal(err)
		}
	}
	put(st, store.Account{ID: "a1", Provider: "anthropic", Name: "Ada", Status: "ok", LastProblem: p})
	state, err := os.ReadFile(filepath.Join(dir, "state", "a1.json"))
	if err != nil || !bytes.Contains(state, []byte(`"last_problem"`)) || bytes.Contains(state, []byte("Could not write to /home")) {
		t.Errorf("state file (%v):\n%s\nwant the problem as words, no sentence", err, state)
	}
	other, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	got, err := other.Account("a1")
	if err != nil || got.LastProblem.Kind != "linked file" || got.LastProblem.String() != p.String() ||
		got.LastProblem.Phrases["Why"].Fields["Port"] != "53111" {
		t.Fatalf("another process reads %+v, %v", got.LastProblem, err)
	}
	// Only the port inside the phrase changes: that is a change to write.
	got.LastProblem.Phrases["Why"].Fields["Port"] = "8765"
	put(other, got)
	if again, _ := st.Account("a1"); again.LastProblem.Phrases["Why"].Fields["Port"] != "8765" {
		t.Errorf("a change inside the phrase was not written: %+v", again.LastProblem)
	}
	// Nothing wrong any more: nothing kept.
	got.LastProblem = store.Problem{}
	put(other, got)
	if state, _ := os.ReadFile(filepath.Join(dir, "state", "a1.json")); bytes.Contains(state, []byte("problem")) {
		t.Errorf("state file after the problem ended:\n%s", state)
	}

	// An older Tokentray's state file.
	old := `{"status":"failing","last_error":"Tokentray could not reach the provider. Check your internet connection; Tokentray will try again."}`
	if err := os.WriteFile(filepath.Join(dir, "state", "a1.json"), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	fresh, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if a, err := fresh.Account("a1"); err != nil || a.Status != "failing" || !a.LastProblem.IsZero() ||
		a.LastError != "Tokentray could not reach the provider. Check your internet connection; Tokentray will try again." {
		t.Errorf("an older state file reads %+v, %v", a, err)
	}
}
