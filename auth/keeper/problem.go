package keeper

import (
	"errors"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
)

// Kinds of an account's last problem (store.Problem.Kind) that are not
// auth's kinds.
const (
	ProblemKeyring    = "keyring"     // the system keyring (store.ErrKeyringUnavailable)
	ProblemStorage    = "storage"     // the store's files (store.ErrWrite, store.ErrCorrupt, store.ErrUnreadable)
	ProblemLinkedFile = "linked file" // the linked file (a *LinkError)
)

// ProblemOf is what err says, kept to be said later in the reader's
// language (ui/words.LastError): the message ID and fields of its sentence
// (auth.ExplainWords: ui/words', the general one for an error with none)
// and its kind. The keeper keeps it as an account's LastProblem.
func ProblemOf(err error) store.Problem {
	id, data, _ := auth.ExplainWords(err)
	return store.NewProblem(problemKind(err), id, data)
}

// problemKind names what kind of failure err is, for programs.
func problemKind(err error) string {
	var le *LinkError
	var ae *auth.Error
	switch {
	case errors.As(err, &le):
		return ProblemLinkedFile
	case errors.As(err, &ae):
		return ae.Kind.String()
	case errors.Is(err, store.ErrKeyringUnavailable):
		return ProblemKeyring
	case errors.Is(err, store.ErrWrite), errors.Is(err, store.ErrCorrupt), errors.Is(err, store.ErrUnreadable):
		return ProblemStorage
	}
	return auth.KindUnknown.String()
}

// LinkError is a renewed sign-in that could not be written to the
// account's linked file (Claude Code's credentials): Tokentray's pair is
// safe, but the other program's is now spent. Err is why. ui/words says
// what the user has to do in the other program, and why.
type LinkError struct{ Err error }

func (e *LinkError) Error() string {
	return "write the renewed sign-in to the linked file: " + e.Err.Error()
}
func (e *LinkError) Unwrap() error { return e.Err }
