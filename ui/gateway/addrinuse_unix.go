//go:build !windows

package gateway

import (
	"errors"
	"syscall"
)

// isAddrInUse says whether listening failed because the port is taken.
func isAddrInUse(err error) bool { return errors.Is(err, syscall.EADDRINUSE) }
