package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// ErrCorrupt matches (errors.Is) every *CorruptError.
var ErrCorrupt = errors.New("metadata file is corrupt")

// CorruptError reports a metadata file that does not parse. The store keeps
// a copy at Backup and refuses to overwrite the file until it is reopened
// with Options.ResetCorrupt. ui/words says it to a person.
type CorruptError struct {
	Path, Backup string
	Err          error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("metadata file %s is corrupt (copy kept at %s): %v", e.Path, e.Backup, e.Err)
}
func (e *CorruptError) Unwrap() error        { return e.Err }
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// metadataVersion 2 keeps each account's refresh state in state/; a
// version 1 file (all in accounts.json) is read, and rewritten as 2 at the
// first change. A Tokentray that knows only 1 refuses a 2 rather than
// overwrite it.
const metadataVersion = 2

// metadata is accounts.json: the accounts without their state, provider
// settings and preferences.
type metadata struct {
	Version  int       `json:"version"`
	Accounts []Account `json:"accounts"`
	// Providers holds provider settings (custom providers, client IDs,
	// endpoint overrides) by provider ID, in a shape the store does not
	// read. No secrets: client secrets are sealed like tokens.
	Providers map[string]json.RawMessage `json:"providers,omitempty"`
	// Settings are the app's preferences, in a shape the store does not
	// read.
	Settings json.RawMessage `json:"settings,omitempty"`
}

// cachedMetadata is a parsed metadata file and the file it came from: every
// write is a rename of a new file, so the same file (os.SameFile), size and
// modification time mean the same content, whichever process wrote it.
type cachedMetadata struct {
	fi os.FileInfo
	md metadata
}

// index is the position of account id in md, or -1.
func (md *metadata) index(id string) int {
	return slices.IndexFunc(md.Accounts, func(x Account) bool { return x.ID == id })
}

// account is md's account i with its state.
func (md *metadata) account(s *Store, i int) Account {
	a := md.Accounts[i]
	if st, ok := s.readState(a.ID); ok {
		a.setState(st)
	}
	return a
}

// read returns the metadata, each account with its state, as a copy the
// caller may change.
func (s *Store) read() (*metadata, error) {
	md, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	for i := range md.Accounts {
		md.Accounts[i] = md.account(s, i)
	}
	return md, nil
}

// readIndex returns accounts.json's content, a copy the caller may change.
// An unchanged file is parsed once.
func (s *Store) readIndex() (*metadata, error) {
	path := filepath.Join(s.dir, metadataFile)
	f, err := openShared(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &metadata{Version: metadataVersion}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	s.cacheMu.Lock()
	c := s.cache
	s.cacheMu.Unlock()
	if c != nil && os.SameFile(c.fi, fi) && c.fi.Size() == fi.Size() && c.fi.ModTime().Equal(fi.ModTime()) {
		return c.md.clone(), nil
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var md metadata
	if err := json.Unmarshal(data, &md); err != nil {
		return nil, s.corrupt(path, data, err)
	}
	if md.Version != 1 && md.Version != metadataVersion {
		return nil, s.corrupt(path, data, fmt.Errorf("unknown version %d", md.Version))
	}
	s.cacheMu.Lock()
	s.cache = &cachedMetadata{fi: fi, md: md}
	s.cacheMu.Unlock()
	return md.clone(), nil
}

// clone copies md deeply enough that changing the copy's accounts, their
// scopes or extras leaves md alone.
func (md *metadata) clone() *metadata {
	out := &metadata{Version: md.Version, Accounts: make([]Account, len(md.Accounts)), Providers: maps.Clone(md.Providers),
		Settings: slices.Clone(md.Settings)}
	for i, a := range md.Accounts {
		a.Scopes = slices.Clone(a.Scopes)
		a.Extra = maps.Clone(a.Extra)
		out.Accounts[i] = a
	}
	return out
}

// corrupt keeps a copy of a bad metadata file aside, named by its content
// hash so that repeated reads keep one copy.
func (s *Store) corrupt(path string, data []byte, cause error) error {
	sum := sha256.Sum256(data)
	backup := path + ".corrupt-" + hex.EncodeToString(sum[:6])
	if _, err := os.Stat(backup); errors.Is(err, fs.ErrNotExist) {
		if err := writeAtomic(backup, data); err != nil {
			return fmt.Errorf("keep a copy of corrupt %s: %w", path, err)
		}
	}
	return &CorruptError{Path: path, Backup: backup, Err: cause}
}

// write replaces accounts.json with md, its accounts' states left to their
// own files: those it does not find yet (an account kept by a version 1
// file) are written first. The caller holds the store-wide lock (Update), so
// the file it just renamed into place is still its own when it stats it.
func (s *Store) write(md *metadata) error {
	md = md.clone()
	md.Version = metadataVersion
	for i, a := range md.Accounts {
		if st := a.state(); validName(a.ID) && !st.equal(accountState{}) {
			if _, err := os.Stat(s.statePath(a.ID)); errors.Is(err, fs.ErrNotExist) {
				if err := s.writeState(a.ID, st); err != nil {
					return err
				}
			}
		}
		md.Accounts[i] = a.settled()
	}
	data, err := json.MarshalIndent(md, "", "  ")
	if err != nil {
		return fmt.Errorf("encode metadata: %w", err)
	}
	path := filepath.Join(s.dir, metadataFile)
	if err := writeAtomic(path, append(data, '\n')); err != nil {
		return err
	}
	if fi, err := os.Stat(path); err == nil {
		s.cacheMu.Lock()
		s.cache = &cachedMetadata{fi: fi, md: *md.clone()}
		s.cacheMu.Unlock()
	}
	return nil
}
