//go:build !windows

package auth

import (
	"errors"
	"syscall"
)

// addrInUse reports whether err is "address already in use".
func addrInUse(err error) bool { return errors.Is(err, syscall.EADDRINUSE) }
