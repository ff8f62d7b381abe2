//go:build !windows

package keeper

import (
	"syscall"
	"testing"
)

// fileSizeLimit returns a function that limits the size of files this
// process may write (RLIMIT_FSIZE): a full disk, as the process sees it;
// and one that lifts the limit (done anyway when the test ends).
func fileSizeLimit(t *testing.T) (limit func(n uint64), lift func()) {
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old) })
	limit = func(n uint64) {
		t.Helper()
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: old.Max}); err != nil {
			t.Fatal(err)
		}
	}
	return limit, func() { limit(old.Cur) }
}
