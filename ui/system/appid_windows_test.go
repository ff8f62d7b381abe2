package system

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/windows/registry"

	"github.com/tokentray/tokentray/assets"
)

// useTestAppID points RegisterAppID at a key of the test's own (the real
// app's registration is left alone), a program folder with no installed
// icon, and a local app data folder in a temporary directory, which it
// returns.
func useTestAppID(t *testing.T) (local, exe string) {
	t.Helper()
	key := `Software\Classes\AppUserModelId\` + AppID + ".test"
	oldKey, oldExe := appIDKey, exeDir
	appIDKey = key
	exe, local = t.TempDir(), t.TempDir()
	exeDir = func() (string, error) { return exe, nil }
	t.Setenv("LOCALAPPDATA", local)
	forget := func() {
		for _, root := range []registry.Key{registry.CURRENT_USER, registry.LOCAL_MACHINE} {
			if err := registry.DeleteKey(root, key); err != nil && !errors.Is(err, registry.ErrNotExist) && root == registry.CURRENT_USER {
				t.Errorf("delete HKCU\\%s: %v", key, err)
			}
		}
	}
	forget()
	t.Cleanup(func() {
		forget()
		appIDKey, exeDir = oldKey, oldExe
	})
	return local, exe
}

// readAppID is the registration under root: its display name and icon.
func readAppID(t *testing.T, root registry.Key) (name, icon string, ok bool) {
	t.Helper()
	k, err := registry.OpenKey(root, appIDKey, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return "", "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	name, _, err = k.GetStringValue("DisplayName")
	if err != nil {
		t.Fatalf("DisplayName: %v", err)
	}
	icon, _, err = k.GetStringValue("IconUri")
	if err != nil {
		t.Fatalf("IconUri: %v", err)
	}
	return name, icon, true
}

// TestRegisterAppID: a user with no registration gets one under HKCU with
// the name Tokentray and the app's icon, written in the local app data
// folder; a second start changes nothing; once the icon file is gone (the
// folder cleaned), the next start writes both again.
func TestRegisterAppID(t *testing.T) {
	local, _ := useTestAppID(t)
	wrote, err := registerAppID()
	if err != nil || !wrote {
		t.Fatalf("first start: wrote %v, %v", wrote, err)
	}
	name, icon, ok := readAppID(t, registry.CURRENT_USER)
	if !ok || name != "Tokentray" {
		t.Fatalf("HKCU\\%s: present %v, DisplayName %q; want Tokentray", appIDKey, ok, name)
	}
	if want := filepath.Join(local, "Tokentray", "icon.png"); icon != want {
		t.Errorf("IconUri %q, want %q", icon, want)
	}
	if b, err := os.ReadFile(icon); err != nil || !bytes.Equal(b, assets.Icon) {
		t.Fatalf("the icon file %s: %d bytes, %v; want the app's icon (%d bytes)", icon, len(b), err, len(assets.Icon))
	}
	if left, _ := filepath.Glob(filepath.Join(local, "Tokentray", "icon-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}

	if wrote, err := registerAppID(); err != nil || wrote {
		t.Errorf("second start: wrote %v, %v; want nothing written", wrote, err)
	}
	if err := RegisterAppID(); err != nil {
		t.Error(err)
	}
	if n, i, _ := readAppID(t, registry.CURRENT_USER); n != name || i != icon {
		t.Errorf("after more starts: %q %q, want %q %q", n, i, name, icon)
	}

	if err := os.Remove(icon); err != nil {
		t.Fatal(err)
	}
	if wrote, err := registerAppID(); err != nil || !wrote {
		t.Fatalf("start with the icon gone: wrote %v, %v; want written again", wrote, err)
	}
	if _, i, _ := readAppID(t, registry.CURRENT_USER); i != icon {
		t.Errorf("IconUri %q, want %q", i, icon)
	}
	if b, err := os.ReadFile(icon); err != nil || !bytes.Equal(b, assets.Icon) {
		t.Errorf("the icon was not written again: %d bytes, %v", len(b), err)
	}
}

// TestRegisterAppIDInstalledIcon: installed by the MSI, Tokentray.png
// (and Tokentray.ico) is beside the program; when the MSI's own
// registration is gone, the one written names the PNG, the icon the MSI
// registers; nothing is written to the local app data folder.
func TestRegisterAppIDInstalledIcon(t *testing.T) {
	local, exe := useTestAppID(t)
	for _, name := range []string{"Tokentray.ico", "Tokentray.png"} {
		if err := os.WriteFile(filepath.Join(exe, name), []byte("an icon"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if wrote, err := registerAppID(); err != nil || !wrote {
		t.Fatalf("wrote %v, %v", wrote, err)
	}
	if _, icon, _ := readAppID(t, registry.CURRENT_USER); icon != filepath.Join(exe, "Tokentray.png") {
		t.Errorf("IconUri %q, want the installed %q", icon, filepath.Join(exe, "Tokentray.png"))
	}
	if _, err := os.Stat(filepath.Join(local, "Tokentray")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the local app data folder was written to: %v", err)
	}
}

// TestRegisterAppIDMachineWide: a registration for the whole machine
// (HKLM, by an installer run by IT) with an icon that exists is enough: the
// user's is not written. With its icon gone, the user's is.
func TestRegisterAppIDMachineWide(t *testing.T) {
	_, exe := useTestAppID(t)
	ico := filepath.Join(exe, "machine.ico")
	if err := os.WriteFile(ico, []byte("an icon"), 0o600); err != nil {
		t.Fatal(err)
	}
	k, _, err := registry.CreateKey(registry.LOCAL_MACHINE, appIDKey, registry.SET_VALUE)
	if errors.Is(err, os.ErrPermission) {
		t.Skipf("SKIP: writing HKLM\\%s needs an administrator here (Wine allows it): %v", appIDKey, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	err = errors.Join(k.SetStringValue("DisplayName", "Tokentray"), k.SetExpandStringValue("IconUri", ico))
	k.Close()
	if err != nil {
		t.Fatal(err)
	}
	if wrote, err := registerAppID(); err != nil || wrote {
		t.Errorf("with the machine's registration: wrote %v, %v; want nothing written", wrote, err)
	}
	if _, _, ok := readAppID(t, registry.CURRENT_USER); ok {
		t.Error("HKCU was written though HKLM holds a registration")
	}
	if err := os.Remove(ico); err != nil {
		t.Fatal(err)
	}
	if wrote, err := registerAppID(); err != nil || !wrote {
		t.Errorf("with the machine's icon gone: wrote %v, %v; want the user's written", wrote, err)
	}
	if name, icon, ok := readAppID(t, registry.CURRENT_USER); !ok || name != "Tokentray" || icon == "" {
		t.Errorf("HKCU: %v %q %q", ok, name, icon)
	}
}
