//go:build !windows

package store

import (
	"os"
	"path/filepath"
)

// dirName is the store's folder under os.UserConfigDir().
const dirName = "tokentray"

// restrictDir makes dir private to the user: mode 0700.
func restrictDir(dir string) error { return os.Chmod(dir, 0o700) }

// restrictFile makes f private to the user: mode 0600.
func restrictFile(f *os.File) error { return f.Chmod(0o600) }

// openShared opens path for reading. On Unix a reader never stands in the
// way of a writer's rename.
func openShared(path string) (*os.File, error) { return os.Open(path) }

// replaceFile renames tmp over path atomically.
func replaceFile(tmp, path string) error { return os.Rename(tmp, path) }

// syncDir flushes dir's entries (the rename) to disk.
func syncDir(dir string) {
	if d, err := os.Open(filepath.Clean(dir)); err == nil {
		d.Sync() //nolint:errcheck // best effort: not every file system syncs directories
		d.Close()
	}
}
