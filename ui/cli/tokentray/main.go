//go:build unix

// Command tokentray is the program people and scripts run on Linux (and
// macOS): the command line, built without the desktop toolkit, so that a
// script's `tokentray token NAME` costs about a process start. Without a
// subcommand, or given a connection profile, it replaces itself with the
// desktop app, tokentray-app, installed beside it.
//
// tokentray-app (the module's main package) is the whole program, the
// command line included; it links Fyne, whose start-up (OpenGL and X11
// libraries, and package initialisation that parses every built-in
// translation) costs several times a process start on every call.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/tokentray/tokentray/ui/cli"
	"github.com/tokentray/tokentray/ui/words"
)

// appName is the desktop app's file name, beside this program.
const appName = "tokentray-app"

func main() {
	if cli.IsCommand(os.Args[1:]) {
		os.Exit(cli.Run(os.Args[1:], cli.NewFactory()))
	}
	app, err := appPath()
	if err != nil {
		fmt.Fprintln(os.Stderr, "tokentray:", words.L("the desktop app ({{.App}}) is not installed beside this program or on your PATH. "+
			"Install Tokentray from its package (or make install), or give a command: tokentray help", map[string]any{"App": appName}))
		os.Exit(cli.ExitError)
	}
	err = syscall.Exec(app, append([]string{app}, os.Args[1:]...), appEnv(os.Environ()))
	fmt.Fprintln(os.Stderr, "tokentray:", words.L("cannot start the desktop app {{.App}}: {{.Why}}", map[string]any{"App": app, "Why": err}))
	os.Exit(cli.ExitError)
}

// appPath finds tokentray-app beside this program (links followed, so that
// a link on PATH to an installed copy works), else on PATH.
func appPath() (string, error) {
	self, err := os.Executable()
	if err == nil {
		if real, err := filepath.EvalSymlinks(self); err == nil {
			self = real
		}
		app := filepath.Join(filepath.Dir(self), appName)
		if _, err := os.Stat(app); err == nil {
			return app, nil
		}
	}
	return exec.LookPath(appName)
}

// appEnv is env for the desktop app. Fyne reads the language from the first
// of LC_ALL, LC_MESSAGES and LANG and, unless that is exactly "C" or
// "POSIX", from LANGUAGE; it takes "C.UTF-8" (Debian's default in
// containers and on servers) for a language named "C", fails to parse it,
// and says so on stderr while its packages initialise, before the app's
// own code runs; so too for a mistyped locale or a modifier (de_DE@euro),
// which it then ignores. Such a locale gets the LANGUAGE that asks for
// what it means (de_DE; English for C.UTF-8 or one that does not parse),
// where LANGUAGE does not already say otherwise.
func appEnv(env []string) []string {
	get := func(name string) string {
		for _, kv := range env { // the first counts, as for getenv
			if v, ok := strings.CutPrefix(kv, name+"="); ok {
				return v
			}
		}
		return ""
	}
	loc := get("LC_ALL")
	if loc == "" {
		loc = get("LC_MESSAGES")
	}
	if loc == "" {
		loc = get("LANG")
	}
	if lang, ok := words.QuietLocale(loc); ok && get("LANGUAGE") == "" {
		return append(env, "LANGUAGE="+lang)
	}
	return env
}
