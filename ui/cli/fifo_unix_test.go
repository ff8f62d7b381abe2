//go:build !windows

package cli_test

import (
	"path/filepath"
	"syscall"
	"testing"
)

// terminalFIFO makes a named pipe that stands in for the terminal the user
// pastes into.
func terminalFIFO(t *testing.T) string {
	fifo := filepath.Join(t.TempDir(), "terminal")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	return fifo
}
