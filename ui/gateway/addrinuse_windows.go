package gateway

import (
	"errors"
	"syscall"

	"golang.org/x/sys/windows"
)

// isAddrInUse says whether listening failed because the port is taken:
// WSAEADDRINUSE, or the access-denied answer Windows gives for a port
// another user's program holds exclusively.
func isAddrInUse(err error) bool {
	return errors.Is(err, windows.WSAEADDRINUSE) || errors.Is(err, syscall.EADDRINUSE) || errors.Is(err, windows.WSAEACCES)
}
