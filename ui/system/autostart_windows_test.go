package system

import (
	"errors"
	"testing"

	"golang.org/x/sys/windows/registry"
)

// TestAutostart: on Windows the toggle writes and removes the value
// "Tokentray" under HKCU\…\CurrentVersion\Run, quoting a path with spaces;
// the installer's AUTOSTART=1 writes the same value, so both agree.
func TestAutostart(t *testing.T) {
	const exe = `C:\Users\Demo User\AppData\Local\Programs\Tokentray\Tokentray.exe`
	a := Autostart{exe: exe}
	t.Cleanup(func() { a.Set(false) })
	if err := a.Set(false); err != nil {
		t.Fatal(err)
	}
	if on, err := a.Enabled(); err != nil || on {
		t.Fatalf("before: %v %v", on, err)
	}
	if err := a.Set(true); err != nil {
		t.Fatal(err)
	}
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := k.GetStringValue("Tokentray")
	k.Close()
	if err != nil || v != `"`+exe+`"` {
		t.Errorf("Run value = %q, %v; want the quoted path", v, err)
	}
	if on, _ := a.Enabled(); !on {
		t.Error("Enabled after Set(true) = false")
	}
	if err := a.Set(false); err != nil {
		t.Fatal(err)
	}
	k, err = registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = k.GetStringValue("Tokentray")
	k.Close()
	if !errors.Is(err, registry.ErrNotExist) {
		t.Errorf("after Set(false): %v, want no value", err)
	}
	if err := a.Set(false); err != nil {
		t.Errorf("removing twice: %v", err)
	}
}
