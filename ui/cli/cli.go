// Package cli is Tokentray's command line: the same binary as the tray app,
// given a subcommand. It never imports Fyne.
package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/tokentray/tokentray/store"
)

// Version is set at build time (-ldflags "-X …/ui/cli.Version=…").
var Version = "dev"

// Exit codes.
const (
	ExitOK      = 0
	ExitError   = 1
	ExitUsage   = 2
	ExitKeyring = 4
)

// IO is where a command reads and writes: stdout for data, stderr for
// messages.
type IO struct {
	Out, ErrOut io.Writer
}

const usage = `Tokentray keeps OAuth tokens fresh. Without arguments it starts the desktop app.

Usage:
  tokentray list [--json]    list the connected accounts
  tokentray --version        print the version

Examples:
  tokentray list
  tokentray list --json | jq '.[].name'

Exit codes: 0 ok, 1 error, 2 usage, 4 keyring unavailable.
`

// IsCommand reports whether args (os.Args[1:]) ask for the CLI rather than
// the desktop app.
func IsCommand(args []string) bool { return len(args) > 0 }

// Run runs the command in args and returns the exit code. open opens the
// store.
func Run(args []string, stdio IO, open func() (*store.Store, error)) int {
	switch args[0] {
	case "--version", "version":
		fmt.Fprintln(stdio.Out, "tokentray", Version)
		return ExitOK
	case "-h", "--help", "help":
		fmt.Fprint(stdio.Out, usage)
		return ExitOK
	case "list":
		return list(args[1:], stdio, open)
	}
	fmt.Fprintf(stdio.ErrOut, "tokentray: unknown command %q\n\n%s", args[0], usage)
	return ExitUsage
}

func list(args []string, stdio IO, open func() (*store.Store, error)) int {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	fs.SetOutput(stdio.ErrOut)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	st, err := open()
	if err != nil {
		return fail(stdio, err)
	}
	accts, err := st.Accounts()
	if err != nil {
		return fail(stdio, err)
	}
	if *asJSON {
		type row struct {
			ID       string    `json:"id"`
			Provider string    `json:"provider"`
			Name     string    `json:"name"`
			Status   string    `json:"status,omitempty"`
			Expiry   time.Time `json:"expiry,omitzero"`
		}
		rows := make([]row, 0, len(accts))
		for _, a := range accts {
			rows = append(rows, row{a.ID, a.Provider, a.Name, a.Status, a.Expiry})
		}
		enc := json.NewEncoder(stdio.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			return fail(stdio, err)
		}
		return ExitOK
	}
	if len(accts) == 0 {
		fmt.Fprintln(stdio.ErrOut, "No accounts are connected yet.")
		return ExitOK
	}
	tw := tabwriter.NewWriter(stdio.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPROVIDER\tSTATUS\tEXPIRES")
	for _, a := range accts {
		exp := "unknown"
		if !a.Expiry.IsZero() {
			exp = a.Expiry.Local().Format(time.DateTime)
		}
		status := a.Status
		if status == "" {
			status = "ok"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Name, a.Provider, status, exp)
	}
	if err := tw.Flush(); err != nil {
		return fail(stdio, err)
	}
	return ExitOK
}

// fail words err for a person on stderr and picks the exit code.
func fail(stdio IO, err error) int {
	var m interface{ Message() string }
	if errors.As(err, &m) {
		fmt.Fprintln(stdio.ErrOut, "tokentray:", m.Message())
	} else {
		fmt.Fprintln(stdio.ErrOut, "tokentray:", err)
	}
	if errors.Is(err, store.ErrKeyringUnavailable) {
		return ExitKeyring
	}
	return ExitError
}
