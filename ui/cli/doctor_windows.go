package cli

import (
	"context"
	"os"
	"time"

	"github.com/tokentray/tokentray/ui/system"
	"github.com/tokentray/tokentray/ui/words"
)

// doctorFolder checks the config folder dir, which exists: a folder. Its
// access list (the user's alone) is set each time the store opens it;
// Windows has no mode bits to read.
func doctorFolder(check checkFunc, dir string, fi os.FileInfo) {
	check(fi.IsDir(), words.L("config folder {{.Dir}}", map[string]any{"Dir": dir}), "")
}

// doctorDesktop checks the tray and the notifications. The notification
// area is part of Windows; its toasts are shown through PowerShell, which
// a managed computer may block or restrict (Constrained Language Mode).
func doctorDesktop(ctx context.Context, e *env, check checkFunc) {
	check(true, words.L("tray: the Windows notification area"), "")
	nctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	toasts, why := system.CheckNotifications(nctx)
	cancel()
	check(toasts, words.L("notifications: Windows toasts (through PowerShell)"), why)
}
