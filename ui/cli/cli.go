// Package cli is Tokentray's command line: the same binary as the tray app,
// given a subcommand. It works with or without the tray running, on the same
// store, and never spends a rotating refresh token twice (the keeper's
// lock). It never imports Fyne.
//
// Conventions: data on stdout, messages on stderr, --json where it lists,
// secrets only through stdin, exit codes below.
package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"

	"github.com/tokentray/tokentray/ui/accounts"
	"github.com/tokentray/tokentray/ui/words"
)

// Version is set at build time (-ldflags "-X …/ui/cli.Version=…").
var Version = "dev"

// IO is where a command reads and writes.
type IO struct {
	In          io.Reader
	Out, ErrOut io.Writer
}

// IsCommand reports whether args (os.Args[1:]) ask for the CLI rather than
// the desktop app: any argument but a lone connection profile, which the
// app opens (double-click on a .tokentray.json file).
func IsCommand(args []string) bool {
	return len(args) > 0 && !(len(args) == 1 && strings.HasSuffix(args[0], ".tokentray.json"))
}

// Opener opens the shared application core (store and keeper).
type Opener func() (*accounts.App, error)

// OpenCore is the Opener of a real command: the store in its usual place,
// and a log on stderr of warnings and errors only (the commands say in
// plain words what they do; a script's stderr gets nothing else).
func OpenCore() (*accounts.App, error) {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return accounts.Open(accounts.Options{Logger: log})
}

// Run runs the command in args and returns the exit code.
func Run(args []string, stdio IO, open Opener) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "--version", "version":
		fmt.Fprintln(stdio.Out, "tokentray", Version)
		return ExitOK
	case "-h", "--help", "help":
		fmt.Fprint(stdio.Out, usage())
		return ExitOK
	}
	commands := map[string]func(context.Context, *env, []string) error{
		"token": cmdToken, "list": cmdList, "status": cmdStatus, "connect": cmdConnect,
		"disconnect": cmdDisconnect, "import": cmdImport, "provider": cmdProvider,
		"doctor": cmdDoctor, "exec": cmdExec, "gateway": cmdGateway,
	}
	run, ok := commands[cmd]
	if !ok {
		fmt.Fprintf(stdio.ErrOut, "tokentray: %s\n\n%s", words.L("unknown command “{{.Command}}”", map[string]any{"Command": cmd}), usage())
		return ExitUsage
	}
	e := &env{IO: stdio, open: open}
	defer e.close()
	err := run(ctx, e, rest)
	return e.fail(err)
}

// env is one command's run: its IO and the lazily opened core.
type env struct {
	IO
	open Opener
	app  *accounts.App
	exit int // set by exec: the child's exit code
}

func (e *env) accounts() (*accounts.App, error) {
	if e.app == nil {
		a, err := e.open()
		if err != nil {
			return nil, err
		}
		e.app = a
	}
	return e.app, nil
}

func (e *env) close() {
	if e.app != nil {
		e.app.Close()
	}
}
