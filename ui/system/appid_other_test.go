//go:build !windows

package system

import (
	"context"
	"errors"
	"testing"
)

// TestNotificationsElsewhere: away from Windows nothing is registered and
// PowerShell is never run: Fyne sends notifications, and doctor checks the
// notification service on its own.
func TestNotificationsElsewhere(t *testing.T) {
	if err := RegisterAppID(); err != nil {
		t.Error(err)
	}
	if ok, why := CheckNotifications(context.Background()); !ok || why != "" {
		t.Errorf("CheckNotifications: %v %q", ok, why)
	}
	if err := Notify(context.Background(), "Tokentray", "Connected Demo."); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("Notify: %v, want errors.ErrUnsupported", err)
	}
}
