//go:build !(linux || freebsd || openbsd || netbsd)

package system

import (
	"context"
	"errors"
	"time"
)

// DesktopNotification is one desktop notification (see notify_linux.go):
// sent through the freedesktop notification service, which only Linux and
// the BSDs have. Windows has its toasts (Notify).
type DesktopNotification struct {
	AppName, Title, Body, IconName string
	Icon                           []byte
	Expire                         time.Duration
}

// Expiries with a meaning of their own.
const (
	ExpireNever   time.Duration = 0
	ExpireDefault time.Duration = -1
)

// SendDesktopNotification has no freedesktop notification service to send
// to here.
func SendDesktopNotification(context.Context, DesktopNotification) (uint32, error) {
	return 0, errors.ErrUnsupported
}
