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
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

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
                         [--client-secret-stdin] [--client-auth basic|post] [--scopes "a b"]
                         [--redirect-port N | --redirect R] [--name NAME] [--api-base URL]
  tokentray provider set PROVIDER [--client-id ID] [--client-secret-stdin] [--base-url URL] [--token-url URL]
                         [--redirect R] [--api-base URL]
  tokentray provider import FILE.tokentray.json [--yes]
  tokentray doctor
  tokentray exec NAME [--env VAR] [--retry-for 15s] -- COMMAND [ARGS...]
  tokentray gateway on|off|status [--json]|run [--port N]
  tokentray gateway key [--new]
  tokentray gateway allow NAME [--changes on|off] [--wrapper on|off]
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
  tokentray gateway on && curl -u ":$(tokentray gateway key)" http://127.0.0.1:8765/Work/api/v4/users/who_am_i

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

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

// badUsage is a usage error saying msg (already in the user's words).
func badUsage(msg string) error { return usageError{msg} }

// flagSet is a command's flags, and where its help goes.
type flagSet struct {
	*flag.FlagSet
	out io.Writer
}

// flags makes a flag set whose errors are usage errors. The flag package's
// own words are English: it prints nothing itself; parse words its errors
// and options prints the help.
func (e *env) flags(name string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{fs, e.ErrOut}
}

// options prints the command's options, in the user's language. The
// flags' descriptions are marked (words.Mark) and translated only here: a
// command that says nothing reads no translations.
func (fs *flagSet) options() {
	fmt.Fprintln(fs.out, words.L("Options of tokentray {{.Command}}:", map[string]any{"Command": fs.Name()}))
	fs.VisitAll(func(f *flag.Flag) {
		shown := *f
		shown.Usage = words.L(f.Usage)
		kind, usage := flag.UnquoteUsage(&shown)
		line := "  --" + f.Name
		if kind != "" {
			line += " " + kindWord(kind)
		}
		if !zeroDefault(f) {
			usage += " " + words.L("(default: {{.Value}})", map[string]any{"Value": f.DefValue})
		}
		fmt.Fprintf(fs.out, "%s\n      %s\n", line, usage)
	})
}

// kindWord is what a flag takes, as flag.UnquoteUsage names it, in words;
// a name the description gives in `backquotes` stays as it is.
func kindWord(kind string) string {
	switch kind {
	case "string":
		return words.L("text")
	case "duration":
		return words.L("duration")
	case "int", "int64", "uint", "uint64", "float":
		return words.L("number")
	case "value":
		return words.L("value")
	}
	return kind
}

// zeroDefault says whether f's default is its type's zero value (then the
// help does not mention it), as the flag package decides it.
func zeroDefault(f *flag.Flag) bool {
	t := reflect.TypeOf(f.Value)
	if t.Kind() != reflect.Pointer {
		return f.DefValue == ""
	}
	zero, ok := reflect.New(t.Elem()).Interface().(flag.Value)
	return ok && zero.String() == f.DefValue
}

// parse parses args, allowing flags after the positional arguments
// ("token NAME --format json"), and returns the positional ones. Everything
// from a "--" on is returned as it is, "--" included. -h and --help print
// the options.
func parse(fs *flagSet, args []string) ([]string, error) {
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
			if errors.Is(err, flag.ErrHelp) {
				fs.options()
				return nil, usageError{flag.ErrHelp.Error()}
			}
			return nil, usageError{fs.explain(err)}
		}
		if args = fs.Args(); len(args) == 0 {
			return append(pos, tail...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// The flag package's errors, as it words them.
var (
	unknownFlag = regexp.MustCompile(`^flag provided but not defined: -+(.+)$`)
	needsValue  = regexp.MustCompile(`^flag needs an argument: -+(.+)$`)
	badValue    = regexp.MustCompile(`^invalid (?:boolean )?value ("(?:[^"\\]|\\.)*") for (?:flag )?-+([^:]+): `)
	badSyntax   = regexp.MustCompile(`^bad flag syntax: (.*)$`)
)

// explain words one of the flag package's errors in the user's language
// (as it is, if it is one this does not know).
func (fs *flagSet) explain(err error) string {
	msg := err.Error()
	if m := unknownFlag.FindStringSubmatch(msg); m != nil {
		return words.L("“tokentray {{.Command}}” has no option --{{.Flag}}.", map[string]any{"Command": fs.Name(), "Flag": m[1]})
	}
	if m := needsValue.FindStringSubmatch(msg); m != nil {
		return words.L("--{{.Flag}} needs a value.", map[string]any{"Flag": m[1]})
	}
	if m := badSyntax.FindStringSubmatch(msg); m != nil {
		return words.L("“{{.Arg}}” is not an option: write --OPTION or --OPTION=VALUE.", map[string]any{"Arg": m[1]})
	}
	if m := badValue.FindStringSubmatch(msg); m != nil {
		value, err := strconv.Unquote(m[1]) // the flag package quotes it with %q
		if err != nil {
			value = m[1]
		}
		data := map[string]any{"Value": value, "Flag": m[2]}
		f := fs.Lookup(m[2])
		if f == nil {
			return words.L("“{{.Value}}” is not a value --{{.Flag}} takes.", data)
		}
		var v any
		if g, ok := f.Value.(flag.Getter); ok {
			v = g.Get()
		}
		switch v.(type) {
		case bool:
			return words.L("“{{.Value}}” is not a value --{{.Flag}} takes: give true or false.", data)
		case time.Duration:
			return words.L("“{{.Value}}” is not a value --{{.Flag}} takes: give a duration such as 90s, 10m or 2h.", data)
		case int, int64, uint, uint64:
			return words.L("“{{.Value}}” is not a value --{{.Flag}} takes: give a whole number.", data)
		}
		return words.L("“{{.Value}}” is not a value --{{.Flag}} takes.", data)
	}
	return msg
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
	case errors.Is(err, accounts.ErrManaged):
		// Not a mistake in the command line, but not the user's to change
		// either: the same code, without the usage hint.
		return ExitUsage
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
		// A name that picks nothing: where the right one is found.
		switch {
		case errors.Is(err, accounts.ErrUnknownProvider):
			msg += " " + words.L("“tokentray provider list” shows the providers.")
		case errors.Is(err, accounts.ErrNoAccount), errors.Is(err, accounts.ErrAmbiguous):
			msg += " " + words.L("“tokentray list” shows the accounts and their IDs.")
		}
		return msg
	}
	return strings.TrimPrefix(err.Error(), "tokentray: ")
}
