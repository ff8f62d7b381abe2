//go:build !windows && !darwin

package system

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAutostart: the toggle writes and removes the XDG autostart entry, in
// a temporary HOME; the entry validates and quotes an awkward path.
func TestAutostart(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	a := Autostart{exe: "/opt/Token Tray/bin/tokentray$1"}
	if on, err := a.Enabled(); err != nil || on {
		t.Fatalf("before: %v %v", on, err)
	}
	if err := a.Set(true); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(home, ".config", "autostart", "io.github.tokentray.desktop")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `Exec="/opt/Token Tray/bin/tokentray\\$1"`) {
		t.Errorf("entry:\n%s", data)
	}
	if on, _ := a.Enabled(); !on {
		t.Error("Enabled after Set(true) = false")
	}
	if v, err := exec.LookPath("desktop-file-validate"); err == nil {
		if out, err := exec.Command(v, path).CombinedOutput(); err != nil {
			t.Errorf("desktop-file-validate: %v\n%s", err, out)
		}
	}
	if err := a.Set(false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("entry still there: %v", err)
	}
	if err := a.Set(false); err != nil {
		t.Errorf("removing twice: %v", err)
	}
}
