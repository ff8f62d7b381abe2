package accounts

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/policy"
)

// Settings are the user's preferences, kept with the accounts (no secret).
type Settings struct {
	// ClearClipboardSeconds: how long a copied token stays on the
	// clipboard; 0 means never clear. Default 30.
	ClearClipboardSeconds int `json:"clear_clipboard_seconds"`
	// RefreshMarginMinutes: how early tokens are refreshed; 0 means the
	// default (5 minutes, or 10 % of a short lifetime).
	RefreshMarginMinutes int `json:"refresh_margin_minutes,omitempty"`
	// NotificationsOff silences desktop notifications.
	NotificationsOff bool `json:"notifications_off,omitempty"`
	// Window is the accounts window's last size; nil until it was closed
	// once. Saved by SaveWindow, kept by SaveSettings.
	Window *WindowSize `json:"window,omitempty"`
	// Gateway: the local gateway's preferences. Its port is the gateway's
	// to choose (ListenGateway): SaveSettings keeps the stored one.
	Gateway GatewaySettings `json:"gateway,omitempty"`
	// StartAtLoginDefaulted: the managed settings' recommended start at
	// login was applied once; from then on it is the user's to change.
	StartAtLoginDefaulted bool `json:"start_at_login_defaulted,omitempty"`
}

// WindowSize is a window's size in Fyne's device-independent units, and
// where it was on the screen (its frame's top-left corner in screen
// pixels) where the desktop says (not Wayland, not macOS: Placed false).
type WindowSize struct {
	Width  float32 `json:"width"`
	Height float32 `json:"height"`
	Placed bool    `json:"placed,omitempty"`
	X      int     `json:"x,omitempty"`
	Y      int     `json:"y,omitempty"`
}

// DefaultSettings are used until the user changes something.
var DefaultSettings = Settings{ClearClipboardSeconds: 30}

// ClearAfter is the clipboard delay as the tray wants it (negative: never).
func (s Settings) ClearAfter() time.Duration {
	if s.ClearClipboardSeconds <= 0 {
		return -1
	}
	return time.Duration(s.ClearClipboardSeconds) * time.Second
}

// Settings returns the preferences in force: the saved ones (or the
// defaults, the managed settings' recommended values among them, until
// the user saves some), within what the managed settings fix.
func (a *App) Settings() (Settings, error) {
	raw, err := a.store.Settings()
	s, lerr := loadSettings(a.store)
	if err == nil {
		err = lerr
	}
	return managedSettings(a.Policy(), s, raw != nil), err
}

// managedSettings applies pol to s (saved: the user saved preferences, so
// recommended values are not defaults any more).
func managedSettings(pol *policy.Policy, s Settings, saved bool) Settings {
	if r := pol.Recommended; !saved {
		if r.ClearClipboardSeconds != nil {
			s.ClearClipboardSeconds = *r.ClearClipboardSeconds
		}
		if r.Notifications != nil {
			s.NotificationsOff = !*r.Notifications
		}
	}
	m := pol.Mandatory
	if m.ClearClipboardSeconds != nil && (s.ClearClipboardSeconds <= 0 || s.ClearClipboardSeconds > *m.ClearClipboardSeconds) {
		s.ClearClipboardSeconds = *m.ClearClipboardSeconds
	}
	if m.Notifications != nil {
		s.NotificationsOff = !*m.Notifications
	}
	if m.GatewayAllowed != nil && !*m.GatewayAllowed {
		s.Gateway.On = false
	}
	return s
}

// SettingsLock is what the managed settings fix among the preferences.
type SettingsLock struct {
	// ClipboardMost: a copied token is cleared within this many seconds
	// at most (0: no limit).
	ClipboardMost int
	// Notifications, StartAtLogin, Gateway: fixed by policy.
	Notifications, StartAtLogin, Gateway bool
	// By: who manages them, in the reader's language.
	By string
}

// SettingsLock says what the managed settings fix among the preferences.
func (a *App) SettingsLock() SettingsLock {
	pol := a.Policy()
	m := pol.Mandatory
	l := SettingsLock{By: ManagedBy(pol), Notifications: m.Notifications != nil, StartAtLogin: m.StartAtLogin != nil,
		Gateway: m.GatewayAllowed != nil && !*m.GatewayAllowed}
	if m.ClearClipboardSeconds != nil {
		l.ClipboardMost = *m.ClearClipboardSeconds
	}
	return l
}

// StartAtLogin says what the managed settings want of starting at login:
// set, the value, and whether it is mandatory (else a recommended default,
// for a first start).
func (a *App) StartAtLogin() (value, set, mandatory bool) {
	pol := a.Policy()
	if b := pol.Mandatory.StartAtLogin; b != nil {
		return *b, true, true
	}
	if b := pol.Recommended.StartAtLogin; b != nil {
		return *b, true, false
	}
	return false, false, false
}

func loadSettings(st *store.Store) (Settings, error) {
	raw, err := st.Settings()
	if err != nil || raw == nil {
		return DefaultSettings, err
	}
	s := DefaultSettings
	if err := json.Unmarshal(raw, &s); err != nil {
		return DefaultSettings, fmt.Errorf("read settings: %w", err)
	}
	return s, nil
}

// SaveSettings stores the preferences. The refresh margin applies from the
// next start.
func (a *App) SaveSettings(ctx context.Context, s Settings) error {
	if s.ClearClipboardSeconds < 0 || s.RefreshMarginMinutes < 0 {
		return fmt.Errorf("settings: negative durations")
	}
	if s.Gateway.On && !a.GatewayAllowed() {
		return &ManagedError{What: ManagedGateway, By: ManagedBy(a.Policy())}
	}
	return a.store.Update(ctx, func(tx *store.Tx) error {
		// The window's size is the window's to save, and the gateway's
		// port the gateway's: keep what is stored.
		cur, err := loadSettings(a.store)
		if err != nil {
			return err
		}
		s.Window, s.Gateway.Port, s.StartAtLoginDefaulted = cur.Window, cur.Gateway.Port, cur.StartAtLoginDefaulted
		raw, err := json.Marshal(s)
		if err != nil {
			return err
		}
		return tx.PutSettings(raw)
	})
}

// SaveWindow stores the accounts window's size and place, keeping the
// other preferences as they are stored. A size without a place (the window
// is gone, or the desktop does not say) keeps the place stored before.
func (a *App) SaveWindow(ctx context.Context, size WindowSize) error {
	if size.Width <= 0 || size.Height <= 0 {
		return fmt.Errorf("settings: window size %vx%v", size.Width, size.Height)
	}
	return a.store.Update(ctx, func(tx *store.Tx) error {
		cur, err := loadSettings(a.store)
		if err != nil {
			return err
		}
		if !size.Placed && cur.Window != nil && cur.Window.Placed {
			size.Placed, size.X, size.Y = true, cur.Window.X, cur.Window.Y
		}
		cur.Window = &size
		raw, err := json.Marshal(cur)
		if err != nil {
			return err
		}
		return tx.PutSettings(raw)
	})
}

// updateSettings changes the stored preferences with change, under the
// store-wide lock.
func (a *App) updateSettings(ctx context.Context, change func(*Settings)) error {
	return a.store.Update(ctx, func(tx *store.Tx) error {
		cur, err := loadSettings(a.store)
		if err != nil {
			return err
		}
		change(&cur)
		raw, err := json.Marshal(cur)
		if err != nil {
			return err
		}
		return tx.PutSettings(raw)
	})
}

// FirstStartAtLogin reports whether the recommended start at login is to be
// applied now: once, the first time it is asked (recorded), never again.
func (a *App) FirstStartAtLogin(ctx context.Context) bool {
	first := false
	err := a.updateSettings(ctx, func(s *Settings) {
		first = !s.StartAtLoginDefaulted
		s.StartAtLoginDefaulted = true
	})
	return err == nil && first
}
