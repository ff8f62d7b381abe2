package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/accounts"
	"github.com/tokentray/tokentray/ui/words"
)

// Exit codes.
const (
	ExitOK        = 0
	ExitError     = 1
	ExitUsage     = 2
	ExitReconnect = 3
	ExitKeyring   = 4
)

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

// badUsage is a usage error saying msg (already in the user's words).
func badUsage(msg string) error { return usageError{msg} }

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

// message is the plain sentence for err in the user's language
// (words.Explain), else the error itself (which names what failed; it
// never carries a token).
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
