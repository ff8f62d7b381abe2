package words

import (
	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
)

// Explain is auth.Explain in the user's language: the plain sentence of
// the outermost error in err's chain that words itself — translated when
// it gives its words as a message ID (a Words method: auth's and the
// store's errors), as it says itself otherwise (ui/accounts' errors, which
// word themselves through L) — else the words for a refused paste; false
// when err has none.
func Explain(err error) (string, bool) {
	if id, data, ok := auth.ExplainWords(err); ok {
		return L(id, data), true
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
// LastProblem, else the English sentence an older Tokentray kept —
// translated when it is a message ID itself (a sentence with no varying
// part), as it is otherwise; "" when nothing is wrong. The command line's
// status and the window show an account's last error through it.
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
	return L(a.LastProblem.Words())
}
