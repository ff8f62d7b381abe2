//go:build !windows

package cli

import (
	"context"
	"os"
	"path/filepath"

	"github.com/tokentray/tokentray/ui/system"
	"github.com/tokentray/tokentray/ui/words"
)

// doctorFolder checks the config folder dir, which exists, and its account
// list: only the user may read them (no mode bits for group or others).
func doctorFolder(check checkFunc, dir string, fi os.FileInfo) {
	check(fi.Mode().Perm()&0o077 == 0, words.L("config folder {{.Dir}} is private ({{.Mode}})",
		map[string]any{"Dir": dir, "Mode": fi.Mode().Perm().String()}),
		words.L("run: {{.Command}}", map[string]any{"Command": "chmod 700 " + dir}))
	if mf, err := os.Stat(filepath.Join(dir, "accounts.json")); err == nil {
		check(mf.Mode().Perm()&0o077 == 0, words.L("account list is private"),
			words.L("run: {{.Command}}", map[string]any{"Command": "chmod 600 " + filepath.Join(dir, "accounts.json")}))
	}
}

// doctorDesktop checks the display and the desktop session bus, with its
// tray host and notification service.
func doctorDesktop(ctx context.Context, e *env, check checkFunc) {
	display := e.f.Getenv("DISPLAY") != "" || e.f.Getenv("WAYLAND_DISPLAY") != ""
	switch {
	case e.f.Getenv("WAYLAND_DISPLAY") != "":
		check(true, words.L("display: Wayland (reading the browser's window title needs XWayland; pasting always works)"), "")
	case e.f.Getenv("DISPLAY") != "":
		check(true, words.L("display: X11 {{.Display}}", map[string]any{"Display": e.f.Getenv("DISPLAY")}), "")
	default:
		check(display, words.L("a display for the desktop app"), words.L("the command line works without one"))
	}
	if s, err := system.ProbeSession(ctx); err != nil {
		check(false, words.L("desktop session bus (D-Bus)"), words.L("start a desktop session; the tray and notifications need it"))
	} else {
		check(s.TrayHost, words.L("tray host (StatusNotifierItem)"),
			words.L("on GNOME install the AppIndicator extension (gnome-shell-extension-appindicator); Tokentray's window works without it"))
		check(s.Notifications, words.L("notification service"), words.L("install a notification daemon (e.g. dunst) for alerts"))
	}
}
