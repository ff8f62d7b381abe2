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
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/accounts"
	"github.com/tokentray/tokentray/ui/words"
)

// Version is set at build time (-ldflags "-X …/ui/cli.Version=…").
var Version = "dev"

// Exit codes.
const (
	ExitOK        = 0
	ExitError     = 1
	ExitUsage     = 2
	ExitReconnect = 3
	ExitKeyring   = 4
)

// IO is where a command reads and writes.
type IO struct {
	In          io.Reader
	Out, ErrOut io.Writer
}

// usage is the help text, in the user's language; the commands and
// examples themselves are not translated.
func usage() string {
	return words.L("Tokentray keeps OAuth tokens fresh. Without arguments it starts the desktop app.") + `

` + words.L("Usage:") + `
  tokentray token NAME [--min-valid 5m] [--retry-for 15s] [--format raw|header|json]
  tokentray token NAME --format wrapper --include-refresh-token
  tokentray list [--json]
  tokentray status [--json]
  tokentray connect PROVIDER [--name NAME] [--region us|ca|eu|au] [--no-browser]
  tokentray disconnect NAME [--keep-remote]
  tokentray import anthropic [--file PATH | -] [--name NAME | --account NAME] [--no-link]
  tokentray provider list [--json]
  tokentray provider add ID (--issuer URL | --auth-url URL --token-url URL) --client-id ID
                         [--client-secret-stdin] [--scopes "a b"] [--redirect-port N | --redirect R] [--name NAME]
  tokentray provider set PRESET [--client-id ID] [--client-secret-stdin] [--base-url URL] [--redirect R]
  tokentray provider import FILE.tokentray.json [--yes]
  tokentray doctor
  tokentray exec NAME [--env VAR] [--retry-for 15s] -- COMMAND [ARGS...]
  tokentray --version

` + words.L("NAME is an account's name or ID (see tokentray list). PROVIDER is a provider ID (see tokentray provider list), or \"clio\" with --region.") + `

` + words.L("R, the redirect registered with the provider, is where sign-in comes back:") + `
  loopback                     ` + words.L("Tokentray on this computer (the preset's address; any free port unless it fixes one)") + `
  http://127.0.0.1:PORT/PATH   ` + words.L("a registered loopback address (also localhost or [::1]; no port: any free port)") + `
  approval                     ` + words.L("Clio's desktop approval page (Clio only)") + `
  https://…                    ` + words.L("a registered web page: after approving, paste the address your browser shows") + `

` + words.L("Examples:") + `
  curl -H "$(tokentray token "Demo User" --format header)" https://app.clio.com/api/v4/users/who_am_i
  tokentray exec clio -- ./sync-matters.sh
  tokentray provider set clientcasa --client-id abc123 --client-secret-stdin < secret.txt
  tokentray connect clio --region eu
  tokentray provider set clio-eu --redirect loopback
  tokentray provider set clientcasa --redirect https://crm.example.com/oauth/tokentray
  tokentray import anthropic --file ~/.claude/.credentials.json

` + words.L("Environment:") + `
  TOKENTRAY_CONFIG_DIR   ` + words.L("where accounts are kept (default: your config folder)") + `
  TOKENTRAY_BROWSER      ` + words.L("program that opens the sign-in page (default: the system browser)") + `

` + words.L("Exit codes: 0 ok, 1 error, 2 usage, 3 reconnect needed, 4 keyring unavailable.") + "\n"
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
		"doctor": cmdDoctor, "exec": cmdExec,
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

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

// badUsage is a usage error saying msg (already in the user's words).
func badUsage(msg string) error { return usageError{msg} }

// flags makes a flag set whose errors are usage errors.
func (e *env) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.ErrOut)
	// The flags' descriptions are marked (words.Mark) and translated only
	// when shown: a command that says nothing reads no translations.
	fs.Usage = func() {
		fs.VisitAll(func(f *flag.Flag) { f.Usage = words.L(f.Usage) })
		fmt.Fprintln(fs.Output(), words.L("Options of tokentray {{.Command}}:", map[string]any{"Command": name}))
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args, allowing flags after the positional arguments
// ("token NAME --format json"), and returns the positional ones. Everything
// from a "--" on is returned as it is, "--" included.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i:]
			break
		}
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageError{err.Error()}
		}
		if args = fs.Args(); len(args) == 0 {
			return append(pos, tail...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// fail words err for a person on stderr and picks the exit code.
func (e *env) fail(err error) int {
	if err == nil {
		return e.exit
	}
	var u usageError
	if errors.As(err, &u) {
		if u.msg != "flag: help requested" {
			fmt.Fprintln(e.ErrOut, "tokentray:", u.msg)
		}
		fmt.Fprintln(e.ErrOut, words.L("Run “tokentray help” for usage."))
		return ExitUsage
	}
	fmt.Fprintln(e.ErrOut, "tokentray:", message(err))
	switch {
	case errors.Is(err, auth.ErrReconnectNeeded):
		return ExitReconnect
	case errors.Is(err, store.ErrKeyringUnavailable):
		return ExitKeyring
	}
	return ExitError
}

// message is the plain sentence for err (words.Explain: auth.Explain in
// the user's language), else the error itself (which names what failed;
// it never carries a token).
func message(err error) string {
	if msg, ok := words.Explain(err); ok {
		return msg
	}
	return strings.TrimPrefix(err.Error(), "tokentray: ")
}
