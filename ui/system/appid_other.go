//go:build !windows

package system

import (
	"context"
	"errors"
	"fmt"
)

// RegisterAppID: nothing to register here (the desktop entry names the
// app; see appid_windows.go for Windows).
func RegisterAppID() error { return nil }

// Notify: Windows only; elsewhere Fyne sends notifications (D-Bus on
// Linux).
func Notify(context.Context, string, string) error {
	return fmt.Errorf("notifications through PowerShell: %w", errors.ErrUnsupported)
}

// CheckNotifications: notifications need nothing of PowerShell here (the
// notification service is checked on its own, ProbeSession).
func CheckNotifications(context.Context) (ok bool, why string) { return true, "" }
