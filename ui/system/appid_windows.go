package system

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/windows/registry"

	"github.com/tokentray/tokentray/assets"
)

// Windows shows an unpackaged app's toasts under its AppUserModelID; the
// name and icon it shows for them (and the app's line in Settings →
// Notifications) come from this key, under HKCU for the user, or under
// HKLM for the machine (an installer run by IT). Tests use another key.
var appIDKey = `Software\Classes\AppUserModelId\` + AppID

// installedIcons are the icons the MSI puts beside Tokentray.exe, the one
// it registers as IconUri (assets/windows/tokentray.wxs) first; exeDir is
// the running program's folder (tests set another).
var installedIcons = []string{"Tokentray.png", "Tokentray.ico"}

var exeDir = func() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	return filepath.Dir(exe), nil
}

// RegisterAppID registers AppID for the user, with the display name
// "Tokentray" and the app's icon, unless it is registered already (for
// the user or the machine) with an icon that exists. The icon is the one
// installed beside the program, else the app's icon written as a PNG in
// the user's local app data folder (%LOCALAPPDATA%\Tokentray\icon.png).
// Call it at start; it takes a few registry reads when nothing is to do.
func RegisterAppID() error {
	_, err := registerAppID()
	return err
}

// registerAppID is RegisterAppID, saying whether it wrote the key.
func registerAppID() (wrote bool, err error) {
	if registered(registry.LOCAL_MACHINE) || registered(registry.CURRENT_USER) {
		return false, nil
	}
	icon, err := appIcon()
	if err != nil {
		return false, fmt.Errorf("the icon for Windows notifications: %w", err)
	}
	k, _, err := registry.CreateKey(registry.CURRENT_USER, appIDKey, registry.SET_VALUE)
	if err != nil {
		return false, fmt.Errorf("register the app ID (HKCU\\%s): %w", appIDKey, err)
	}
	defer k.Close()
	if err := k.SetStringValue("DisplayName", "Tokentray"); err != nil {
		return false, fmt.Errorf("register the app ID's name (HKCU\\%s): %w", appIDKey, err)
	}
	if err := k.SetStringValue("IconUri", icon); err != nil {
		return false, fmt.Errorf("register the app ID's icon (HKCU\\%s): %w", appIDKey, err)
	}
	return true, nil
}

// registered reports whether root holds the app ID's key with a display
// name and an icon file that exists.
func registered(root registry.Key) bool {
	k, err := registry.OpenKey(root, appIDKey, registry.QUERY_VALUE)
	if err != nil {
		return false
	}
	defer k.Close()
	if name, _, err := k.GetStringValue("DisplayName"); err != nil || name == "" {
		return false
	}
	icon, kind, err := k.GetStringValue("IconUri")
	if err != nil || icon == "" {
		return false
	}
	if kind == registry.EXPAND_SZ {
		if icon, err = registry.ExpandString(icon); err != nil {
			return false
		}
	}
	fi, err := os.Stat(icon)
	return err == nil && fi.Mode().IsRegular()
}

// appIcon is the path of an icon file for the app ID: the installed one,
// or the app's own icon written to the local app data folder.
func appIcon() (string, error) {
	if dir, err := exeDir(); err == nil {
		for _, name := range installedIcons {
			p := filepath.Join(dir, name)
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
				return p, nil
			}
		}
	}
	local, err := os.UserCacheDir() // %LOCALAPPDATA%
	if err != nil {
		return "", err
	}
	dir := filepath.Join(local, "Tokentray")
	p := filepath.Join(dir, "icon.png")
	if have, err := os.ReadFile(p); err == nil && bytes.Equal(have, assets.Icon) {
		return p, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	// Written beside and renamed into place: a reader (Windows drawing a
	// toast) never sees half an icon.
	tmp, err := os.CreateTemp(dir, "icon-*.png")
	if err != nil {
		return "", err
	}
	_, werr := tmp.Write(assets.Icon)
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), p)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("write %s: %w", p, werr)
	}
	return p, nil
}
