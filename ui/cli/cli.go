// Package cli is Tokentray's command line. Two programs run it: tokentray
// (ui/cli/tokentray), the command line alone, built without Fyne so that a
// script's call costs about a process start (Linux and macOS); and the
// desktop app (the module's main package: tokentray-app, Tokentray.exe on
// Windows, where tokentray.com from ui/cli/wincon runs it in the console),
// given a subcommand. It works with or without the desktop app running, on
// the same store, and never spends a rotating refresh token twice (a
// refresh holds its account's lock in the store). It never imports Fyne.
//
// Conventions: data on stdout, messages on stderr, --json where it lists,
// secrets only through stdin, the exit codes in exit.go. The commands get
// their streams, config folder and accounts app from a Factory.
package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/tokentray/tokentray/ui/accounts"
	"github.com/tokentray/tokentray/ui/words"
)

// Version is set at build time (-ldflags "-X …/ui/cli.Version=…").
var Version = "dev"

// IsCommand reports whether args (os.Args[1:]) ask for the CLI rather than
// the desktop app: any argument but a lone connection profile, which the
// app opens (double-click on a .tokentray.json file).
func IsCommand(args []string) bool {
	return len(args) > 0 && !(len(args) == 1 && strings.HasSuffix(args[0], ".tokentray.json"))
}

// Run runs the command in args, with what f gives, and returns the exit
// code.
func Run(args []string, f *Factory) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "--version", "version":
		fmt.Fprintln(f.IO.Out, "tokentray", Version)
		return ExitOK
	case "-h", "--help", "help":
		fmt.Fprint(f.IO.Out, usage())
		return ExitOK
	}
	commands := map[string]func(context.Context, *env, []string) error{
		"token": cmdToken, "list": cmdList, "status": cmdStatus, "connect": cmdConnect,
		"disconnect": cmdDisconnect, "import": cmdImport, "provider": cmdProvider,
		"doctor": cmdDoctor, "exec": cmdExec, "gateway": cmdGateway,
	}
	run, ok := commands[cmd]
	if !ok {
		fmt.Fprintf(f.IO.ErrOut, "tokentray: %s\n\n%s", words.L("unknown command “{{.Command}}”", map[string]any{"Command": cmd}), usage())
		return ExitUsage
	}
	e := &env{IO: f.IO, f: f}
	defer e.close()
	err := run(ctx, e, rest)
	return e.fail(err)
}

// env is one command's run: its factory, the factory's IO, and the
// accounts app, opened when the command first needs it.
type env struct {
	IO
	f    *Factory
	app  *accounts.App
	exit int // set by exec: the child's exit code
}

// accounts is the command's accounts app: the factory opens it the first
// time.
func (e *env) accounts() (*accounts.App, error) {
	if e.app == nil {
		a, err := e.f.App()
		if err != nil {
			return nil, err
		}
		e.app = a
	}
	return e.app, nil
}

// close closes the accounts app, if the command opened it.
func (e *env) close() {
	if e.app != nil {
		e.app.Close()
	}
}
