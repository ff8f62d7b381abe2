//go:build !windows && !darwin

package system

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// autostartFile is the XDG autostart entry
// ($XDG_CONFIG_HOME/autostart/io.github.tokentray.desktop).
func autostartFile() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find config dir: %w", err)
	}
	return filepath.Join(dir, "autostart", "io.github.tokentray.desktop"), nil
}

// desktopQuote quotes an Exec argument (Desktop Entry Specification,
// "The Exec key").
func desktopQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\\\`, `"`, `\\"`, "`", "\\\\`", `$`, `\\$`)
	return `"` + r.Replace(s) + `"`
}

func autostartEnable(exe string) error {
	path, err := autostartFile()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	entry := "[Desktop Entry]\n" +
		"Type=Application\n" +
		"Name=Tokentray\n" +
		"Comment=Keeps your OAuth tokens fresh\n" +
		"Exec=" + desktopQuote(exe) + "\n" +
		"Icon=io.github.tokentray\n" +
		"Terminal=false\n" +
		"X-GNOME-Autostart-enabled=true\n"
	if err := os.WriteFile(path, []byte(entry), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
