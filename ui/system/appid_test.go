package system

import (
	"os"
	"regexp"
	"testing"
)

// TestAppIDIsFynes: the app ID Windows shows notifications under, and the
// autostart entries are named after, is the one FyneApp.toml gives Fyne.
func TestAppIDIsFynes(t *testing.T) {
	b, err := os.ReadFile("../../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^ID = "([^"]*)"`).FindSubmatch(b)
	if m == nil {
		t.Fatal("FyneApp.toml has no ID line")
	}
	if string(m[1]) != AppID {
		t.Errorf("FyneApp.toml's ID is %q, AppID %q", m[1], AppID)
	}
}
