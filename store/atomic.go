package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// ErrWrite matches (errors.Is) every *WriteError.
var ErrWrite = errors.New("cannot write")

// WriteError reports a file the store could not write (a full disk, a
// read-only folder). The file it was replacing is left as it was. ui/words
// says it to a person.
type WriteError struct {
	Path string
	Err  error
}

func (e *WriteError) Error() string        { return fmt.Sprintf("write %s: %v", e.Path, e.Err) }
func (e *WriteError) Unwrap() error        { return e.Err }
func (e *WriteError) Is(target error) bool { return target == ErrWrite }

// readShared reads the whole file at path (see openShared).
func readShared(path string) ([]byte, error) {
	f, err := openShared(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// writeAtomic writes data to path with mode 0600: temp file in the same
// directory, fsync, rename, fsync of the directory.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return &WriteError{Path: path, Err: err}
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = restrictFile(f); err != nil {
		return &WriteError{Path: path, Err: err}
	}
	if _, err = f.Write(data); err != nil {
		return &WriteError{Path: path, Err: err}
	}
	if err = f.Sync(); err != nil {
		return &WriteError{Path: path, Err: err}
	}
	if err = f.Close(); err != nil {
		return &WriteError{Path: path, Err: err}
	}
	if err = replaceFile(f.Name(), path); err != nil {
		return &WriteError{Path: path, Err: err}
	}
	syncDir(dir)
	return nil
}
