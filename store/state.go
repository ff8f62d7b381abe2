package store

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
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

// cachedState is a parsed state file and the file it came from (see
// cachedMetadata).
type cachedState struct {
	fi os.FileInfo
	st accountState
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
