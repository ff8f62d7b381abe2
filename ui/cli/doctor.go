package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/policy"
	"github.com/tokentray/tokentray/ui/system"
	"github.com/tokentray/tokentray/ui/words"
)

func cmdDoctor(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return badUsage(words.L("doctor takes no arguments"))
	}
	ok := true
	check := func(good bool, what, fix string) {
		mark := "ok  "
		if !good {
			mark, ok = words.L("FAIL"), false
		}
		fmt.Fprintf(e.Out, "%s  %s\n", mark, what)
		if !good && fix != "" {
			fmt.Fprintf(e.Out, "      %s\n", fix)
		}
	}
	dir, err := store.DefaultDir()
	if err == nil {
		fi, serr := os.Stat(dir)
		switch {
		case serr != nil:
			check(true, words.L("config folder {{.Dir}} (not created yet)", map[string]any{"Dir": dir}), "")
		case runtime.GOOS == "windows":
			// Its access list (the user's alone) is set each time the
			// store opens it; Windows has no mode bits to read.
			check(fi.IsDir(), words.L("config folder {{.Dir}}", map[string]any{"Dir": dir}), "")
		default:
			check(fi.Mode().Perm()&0o077 == 0, words.L("config folder {{.Dir}} is private ({{.Mode}})",
				map[string]any{"Dir": dir, "Mode": fi.Mode().Perm().String()}),
				words.L("run: {{.Command}}", map[string]any{"Command": "chmod 700 " + dir}))
			if mf, err := os.Stat(filepath.Join(dir, "accounts.json")); err == nil {
				check(mf.Mode().Perm()&0o077 == 0, words.L("account list is private"),
					words.L("run: {{.Command}}", map[string]any{"Command": "chmod 600 " + filepath.Join(dir, "accounts.json")}))
			}
		}
	}
	doctorPolicy(e, check)
	kctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	kerr := store.CheckKeyring(kctx, store.Options{}) // the store is not opened: that would create its folder
	cancel()
	fix := ""
	if kerr != nil {
		fix = message(kerr)
	}
	check(kerr == nil, words.L("system keyring reachable and unlocked"), fix)

	if runtime.GOOS == "windows" {
		// The notification area is part of Windows; its toasts are shown
		// through PowerShell, which a managed computer may block or
		// restrict (Constrained Language Mode).
		check(true, words.L("tray: the Windows notification area"), "")
		nctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		toasts, why := system.CheckNotifications(nctx)
		cancel()
		check(toasts, words.L("notifications: Windows toasts (through PowerShell)"), why)
		if !ok {
			return errDoctor
		}
		return nil
	}
	display := os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
	switch {
	case os.Getenv("WAYLAND_DISPLAY") != "":
		check(true, words.L("display: Wayland (reading the browser's window title needs XWayland; pasting always works)"), "")
	case os.Getenv("DISPLAY") != "":
		check(true, words.L("display: X11 {{.Display}}", map[string]any{"Display": os.Getenv("DISPLAY")}), "")
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
	if !ok {
		return errDoctor
	}
	return nil
}

// errDoctor is doctor's failure, worded when it is shown.
var errDoctor error = doctorError{}

type doctorError struct{}

func (doctorError) Error() string { return words.L("some checks failed (see above)") }

// doctorPolicy lists, for doctor, where managed settings were looked for,
// what was found, and each value that could not be used and why. A value
// skipped is a failed check: IT should hear of it.
func doctorPolicy(e *env, check func(good bool, what, fix string)) {
	pol := policy.Load()
	for _, src := range pol.Sources {
		data := map[string]any{"Where": src.Where, "N": src.Values}
		if src.Found {
			check(true, words.L("managed settings: {{.Where}} ({{.N}} values)", data), "")
		} else {
			check(true, words.L("managed settings: {{.Where}} (none)", data), "")
		}
	}
	if pol.ManagedBy != "" {
		fmt.Fprintf(e.Out, "      %s\n", words.L("Managed by {{.By}}", map[string]any{"By": pol.ManagedBy}))
	}
	for _, pr := range pol.Problems {
		check(false, words.L("a managed setting could not be used"), pr.Message())
	}
}
