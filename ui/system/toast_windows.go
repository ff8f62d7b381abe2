package system

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/windows"

	"github.com/tokentray/tokentray/ui/words"
)

// Windows toasts of an unpackaged app are shown through WinRT, which a Go
// program reaches most simply through PowerShell (as Fyne does). PowerShell
// can be unusable on a managed computer: AppLocker may keep powershell.exe
// from starting, or a policy (AppLocker, WDAC) put it in Constrained
// Language Mode, where the WinRT types are out of reach. Each script here
// therefore looks at the language mode first and, in any other than
// FullLanguage, prints it and exits with exitRestricted, so that the
// failure is told apart from a toast that failed (exitToast).
const (
	exitRestricted = 3
	exitToast      = 4
)

// notifyScript shows a toast under AppID, whose name and icon
// RegisterAppID registered; the title and text come in the environment
// (TOKENTRAY_TOAST_TITLE, TOKENTRAY_TOAST_BODY), never in the script, so
// nothing in them is read as PowerShell. It is one line, without double
// quotes, pipes or redirections (a test runs a .cmd stub in PowerShell's
// place), and begins with its mark and the app ID: Wine's PowerShell stub
// logs only the first 300 or so characters of its command line, and
// testdata/windows/e2e.sh reads both there.
var notifyScript = oneLine(fmt.Sprintf(`
	$job = 'tokentray-notify'; $appId = '%s';
	$mode = $ExecutionContext.SessionState.LanguageMode;
	if ($mode -ne 'FullLanguage') { Write-Output $mode; exit %d };
	$ErrorActionPreference = 'Stop';
	try {
	  $null = [Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime];
	  $template = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent([Windows.UI.Notifications.ToastTemplateType]::ToastText02);
	  $toastXml = [xml] $template.GetXml();
	  $texts = $toastXml.GetElementsByTagName('text');
	  $null = $texts[0].AppendChild($toastXml.CreateTextNode($env:TOKENTRAY_TOAST_TITLE));
	  $null = $texts[1].AppendChild($toastXml.CreateTextNode($env:TOKENTRAY_TOAST_BODY));
	  $xml = New-Object Windows.Data.Xml.Dom.XmlDocument;
	  $xml.LoadXml($toastXml.OuterXml);
	  [Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier($appId).Show([Windows.UI.Notifications.ToastNotification]::new($xml));
	} catch { Write-Output $_.Exception.Message; exit %d }`, AppID, exitRestricted, exitToast))

// checkScript is notifyScript's first step alone: PowerShell starts, and
// says its language mode.
var checkScript = oneLine(fmt.Sprintf(`
	$mode = $ExecutionContext.SessionState.LanguageMode;
	Write-Output $mode;
	if ($mode -ne 'FullLanguage') { exit %d }`, exitRestricted))

// oneLine joins a script's lines, each a whole statement or block part.
func oneLine(s string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, " ")
}

// powerShell is the Windows PowerShell to run (5.1, which has WinRT; not
// pwsh): the system's own, by its full path, not the first on PATH.
// Tests set another program.
var powerShell = func() string {
	if root := os.Getenv("SystemRoot"); root != "" {
		p := filepath.Join(root, "System32", "WindowsPowerShell", "v1.0", "powershell.exe")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "powershell.exe"
}

// Notify shows a Windows toast with title and body under AppID (call
// RegisterAppID first, once). It returns an error when PowerShell cannot
// start or runs in a restricted language mode (both wrap
// ErrNotificationsBlocked: it will not work later either), when it does
// not finish before ctx ends, or when the toast failed. It waits for
// PowerShell: call it off the UI's goroutine, with a deadline.
func Notify(ctx context.Context, title, body string) error {
	_, err := runPowerShell(ctx, notifyScript,
		"TOKENTRAY_TOAST_TITLE="+noNUL(title), "TOKENTRAY_TOAST_BODY="+noNUL(body))
	if err != nil {
		return fmt.Errorf("show a notification: %w", err)
	}
	return nil
}

// CheckNotifications runs PowerShell as Notify does, without showing
// anything, and says in the user's words why Windows notifications cannot
// be shown when they cannot: PowerShell does not start, or runs in a
// restricted language mode. For tokentray doctor.
func CheckNotifications(ctx context.Context) (ok bool, why string) {
	_, err := runPowerShell(ctx, checkScript)
	var mode *languageModeError
	var start *startError
	switch {
	case err == nil:
		return true, ""
	case errors.As(err, &mode) && mode.mode == "ConstrainedLanguage":
		return false, words.L("PowerShell runs in Constrained Language Mode here (set by your organization), so Windows notifications cannot be shown; Tokentray's window lists every alert instead")
	case errors.As(err, &mode):
		return false, words.L("PowerShell runs in a restricted language mode here (set by your organization), so Windows notifications cannot be shown; Tokentray's window lists every alert instead")
	case errors.As(err, &start):
		return false, words.L("PowerShell cannot start here (your organization may block it), so Windows notifications cannot be shown; Tokentray's window lists every alert instead")
	}
	return false, words.L("PowerShell did not answer properly here, so Windows notifications may not be shown; Tokentray's window lists every alert instead")
}

// languageModeError: PowerShell runs in mode, not FullLanguage.
type languageModeError struct{ mode string }

func (e *languageModeError) Error() string {
	return fmt.Sprintf("PowerShell runs in language mode %q, not FullLanguage", e.mode)
}
func (e *languageModeError) Unwrap() error { return ErrNotificationsBlocked }

// startError: PowerShell (exe) did not start.
type startError struct {
	exe string
	err error
}

func (e *startError) Error() string   { return fmt.Sprintf("start PowerShell (%s): %v", e.exe, e.err) }
func (e *startError) Unwrap() []error { return []error{ErrNotificationsBlocked, e.err} }

// runPowerShell runs script in PowerShell, with no profile, no prompts,
// no execution policy in the way, and no window, env added to the
// environment; it returns the first line PowerShell printed.
func runPowerShell(ctx context.Context, script string, env ...string) (string, error) {
	exe := powerShell()
	cmd := exec.CommandContext(ctx, exe, "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-Command", script)
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: windows.CREATE_NO_WINDOW}
	cmd.Env = append(os.Environ(), env...)
	var out cappedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 2 * time.Second // a child left holding the output does not hold us
	err := cmd.Run()
	said := firstLine(string(out))
	var exit *exec.ExitError
	switch {
	case err == nil:
		return said, nil
	case ctx.Err() != nil:
		return said, fmt.Errorf("PowerShell did not finish: %w", ctx.Err())
	case errors.As(err, &exit) && exit.ExitCode() == exitRestricted:
		return said, &languageModeError{mode: said}
	case errors.As(err, &exit) && exit.ExitCode() == exitToast:
		return said, fmt.Errorf("the toast could not be shown: %s", said)
	case errors.As(err, &exit):
		return said, fmt.Errorf("PowerShell exited with status %d: %s", exit.ExitCode(), said)
	}
	return said, &startError{exe: exe, err: err}
}

// cappedBuffer keeps the first 4 KiB written to it: enough for a line
// that says what went wrong.
type cappedBuffer []byte

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if room := 4096 - len(*b); room > 0 {
		*b = append(*b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// firstLine is s's first non-empty line, at most 200 characters.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if utf8.RuneCountInString(l) > 200 {
				l = string([]rune(l)[:200]) + "…"
			}
			return l
		}
	}
	return ""
}

// noNUL is s without NUL characters, which no environment variable holds.
func noNUL(s string) string { return strings.ReplaceAll(s, "\x00", "") }
