package system

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// usePowerShell makes Notify and CheckNotifications run exe in
// PowerShell's place.
func usePowerShell(t *testing.T, exe string) {
	t.Helper()
	old := powerShell
	powerShell = func() string { return exe }
	t.Cleanup(func() { powerShell = old })
}

// stubPowerShell writes a batch file with lines as its body, run in
// PowerShell's place; it returns its folder.
func stubPowerShell(t *testing.T, lines ...string) string {
	t.Helper()
	dir := t.TempDir()
	stub := filepath.Join(dir, "powershell.cmd")
	if err := os.WriteFile(stub, []byte("@echo off\r\n"+strings.Join(lines, "\r\n")+"\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	usePowerShell(t, stub)
	return dir
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// TestNotifyCommandLine: the toast is PowerShell's, with no profile, no
// prompt, no execution policy in the way, the app ID Windows shows it
// under, and the mark e2e.sh looks for; its title and text come in the
// environment, untouched whatever they hold.
func TestNotifyCommandLine(t *testing.T) {
	dir := stubPowerShell(t,
		`echo %* > "%~dp0args.txt"`,
		`set > "%~dp0env.txt"`, // all of it: Wine's set lists no prefix
		`exit /b 0`)
	const title, body = "Tokentray", `Cabinet "Dupont" & Co's token $(expires) soon; 100% sure`
	if err := Notify(testContext(t), title, body); err != nil {
		t.Fatal(err)
	}
	args, err := os.ReadFile(filepath.Join(dir, "args.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"-NoProfile -NonInteractive -ExecutionPolicy Bypass -Command ", "'tokentray-notify'",
		"$appId = '" + AppID + "'", "CreateToastNotifier($appId)", "exit 3"} {
		if !strings.Contains(string(args), want) {
			t.Errorf("PowerShell's command line lacks %q:\n%s", want, args)
		}
	}
	if i := strings.Index(string(args), AppID); i < 0 || i > 200 {
		t.Errorf("the app ID is at %d of the command line, want it within the first 200 characters (Wine's log shortens it)", i)
	}
	b, err := os.ReadFile(filepath.Join(dir, "env.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var toast []string
	for _, l := range strings.Split(string(b), "\r\n") {
		if strings.HasPrefix(l, "TOKENTRAY_TOAST_") {
			toast = append(toast, l)
		}
	}
	if want := []string{"TOKENTRAY_TOAST_BODY=" + body, "TOKENTRAY_TOAST_TITLE=" + title}; !slices.Equal(toast, want) {
		t.Errorf("PowerShell's environment has %q\nwant %q", toast, want)
	}
}

// TestNotifyConstrainedLanguage: in Constrained Language Mode the script
// exits with its own status; that is an error, and one that says trying
// again will not help (ErrNotificationsBlocked). Doctor says why in plain
// words.
func TestNotifyConstrainedLanguage(t *testing.T) {
	stubPowerShell(t, "echo ConstrainedLanguage", "exit /b 3")
	err := Notify(testContext(t), "Tokentray", "Connected Demo.")
	if !errors.Is(err, ErrNotificationsBlocked) || !strings.Contains(err.Error(), "ConstrainedLanguage") {
		t.Errorf("Notify in Constrained Language Mode: %v; want ErrNotificationsBlocked naming the mode", err)
	}
	ok, why := CheckNotifications(testContext(t))
	if ok || !strings.Contains(why, "Constrained Language Mode") || !strings.Contains(why, "window lists every alert") {
		t.Errorf("CheckNotifications: %v %q", ok, why)
	}
}

// TestNotifyNoPowerShell: PowerShell that cannot start (blocked by
// AppLocker, or missing) is an error that will not pass either.
func TestNotifyNoPowerShell(t *testing.T) {
	usePowerShell(t, filepath.Join(t.TempDir(), "no-such-powershell.exe"))
	err := Notify(testContext(t), "Tokentray", "Connected Demo.")
	if !errors.Is(err, ErrNotificationsBlocked) {
		t.Errorf("Notify without PowerShell: %v; want ErrNotificationsBlocked", err)
	}
	if ok, why := CheckNotifications(testContext(t)); ok || !strings.Contains(why, "PowerShell cannot start") {
		t.Errorf("CheckNotifications: %v %q", ok, why)
	}
}

// TestNotifyFails: a toast that failed (PowerShell ran, in FullLanguage)
// is an error, but not a lasting one; nor is one cut short by its context
// (the app quitting).
func TestNotifyFails(t *testing.T) {
	stubPowerShell(t, "echo The notification platform is unavailable.", "exit /b 4")
	err := Notify(testContext(t), "Tokentray", "Connected Demo.")
	if err == nil || errors.Is(err, ErrNotificationsBlocked) || !strings.Contains(err.Error(), "notification platform is unavailable") {
		t.Errorf("a failed toast: %v; want an error with PowerShell's words, not ErrNotificationsBlocked", err)
	}
	if ok, why := CheckNotifications(testContext(t)); ok || !strings.Contains(why, "did not answer properly") {
		t.Errorf("CheckNotifications: %v %q", ok, why)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = Notify(ctx, "Tokentray", "Connected Demo.")
	if err == nil || errors.Is(err, ErrNotificationsBlocked) || !errors.Is(err, context.Canceled) {
		t.Errorf("a toast cut short: %v; want context.Canceled, not ErrNotificationsBlocked", err)
	}
}

// TestCheckNotificationsHere: this Windows' own PowerShell starts and runs
// in FullLanguage (under Wine: its stub starts and exits 0). Nothing is
// shown.
func TestCheckNotificationsHere(t *testing.T) {
	if ok, why := CheckNotifications(testContext(t)); !ok {
		t.Errorf("PowerShell (%s): %s", powerShell(), why)
	}
}
