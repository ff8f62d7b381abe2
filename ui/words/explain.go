package words

import (
	"errors"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
)

// Explain is auth.Explain in the user's language: the plain sentence of
// the outermost error in err's chain that words itself — translated when
// it gives its words as a message ID (a Words method: auth's and the
// store's errors), as it says itself otherwise (ui/accounts' errors, which
// word themselves through L) — else the words for a refused paste; false
// when err has none. A message ID this language has no translation of (an
// error from a Tokentray of another version: the app the command line
// asks) is said by its kind, as this Tokentray words that kind, rather
// than in English.
func Explain(err error) (string, bool) {
	if id, data, ok := auth.ExplainWords(err); ok {
		s, translated := say(id, data)
		if !translated {
			if k, ok := byKind(kindOf(err)); ok {
				return k, true
			}
		}
		return s, true
	}
	return auth.Explain(err) // words itself (through L), or has no words
}

// Message is Explain's sentence, or a general one.
func Message(err error) string {
	if msg, ok := Explain(err); ok {
		return msg
	}
	return L("Something went wrong. Please try again.")
}

// LastError is what last went wrong with a, in the user's language: its
// LastProblem (said by its kind when this language has no translation of
// its message ID: one kept by a Tokentray of another version), else the
// English sentence an older Tokentray kept — translated when it is a
// message ID itself (a sentence with no varying part), as it is
// otherwise; "" when nothing is wrong. The command line's status and the
// window show an account's last error through it.
func LastError(a store.Account) string {
	if a.LastProblem.IsZero() {
		if a.LastError == "" {
			return ""
		}
		return L(a.LastError)
	}
	if a.LastProblem.ID == "" {
		return L(auth.Unexplained.Words())
	}
	s, translated := say(a.LastProblem.Words())
	if !translated {
		if k, ok := byKind(kindNamed(a.LastProblem.Kind)); ok {
			return k
		}
	}
	return s
}

// kindOf is the auth.Kind err is, also through an error that only matches
// the kinds' sentinels (ui/accounts.RemoteError); KindUnknown if none.
func kindOf(err error) auth.Kind {
	if k := auth.KindOf(err); k != auth.KindUnknown {
		return k
	}
	for _, s := range []error{auth.ErrReconnectNeeded, auth.ErrTransient, auth.ErrDeclined, auth.ErrCanceled} {
		if errors.Is(err, s) {
			return auth.KindOf(s)
		}
	}
	return auth.KindUnknown
}

// kindNamed is the auth.Kind of that name (a store.Problem's Kind);
// KindUnknown for any other.
func kindNamed(name string) auth.Kind {
	for k := auth.KindUnknown; k <= auth.KindTimeout; k++ {
		if k.String() == name {
			return k
		}
	}
	return auth.KindUnknown
}

// byKind is the sentence this Tokentray says for a failure of kind k (as
// a refresh meets it), in the user's language; false for a kind that says
// nothing without its details (a busy port: which one), or KindUnknown.
func byKind(k auth.Kind) (string, bool) {
	switch k {
	case auth.KindUnknown, auth.KindPortBusy:
		return "", false
	}
	return say((&auth.Error{Kind: k, Op: "refresh"}).Words())
}
