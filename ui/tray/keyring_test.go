package tray

import (
	"context"
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/tokentray/tokentray/store"
)

// TestKeyringNote: when the keyring is unavailable, the window says what to
// install or unlock (the check is stood in for here, with the D-Bus answer
// of a session without a keyring; the store's own tests produce the real
// errors, with no bus and with a locked collection).
func TestKeyringNote(t *testing.T) {
	f := newFixture(t, Options{CheckKeyring: func(context.Context) error {
		return &store.KeyringError{Op: "read key", Err: dbus.Error{Name: "org.freedesktop.DBus.Error.ServiceUnknown"}}
	}})
	f.eventually("the keyring note", func() bool {
		l := findLabel(t, f.ui.win.Canvas(), "No system keyring is running")
		return l != nil && strings.Contains(l.Text, "KWallet") && strings.Contains(l.Text, "KeePassXC")
	})
}
