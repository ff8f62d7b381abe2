//go:build !windows

package store_test

import (
	"io/fs"
	"testing"
)

// checkPrivate fails unless path is readable by its owner only: mode 0700
// for a folder, 0600 for a file.
func checkPrivate(t *testing.T, path string, dir bool) {
	t.Helper()
	want := fs.FileMode(0o600)
	if dir {
		want = 0o700
	}
	if m := mode(t, path); m != want {
		t.Errorf("%s mode %v, want %v", path, m, want)
	}
}
