package words

import (
	"errors"

	"github.com/tokentray/tokentray/auth"
)

// Explain is auth.Explain in the user's language: the plain sentence of
// the outermost error in err's chain that words itself — translated when
// it gives its words as a message ID (a Words method: auth's and the
// store's errors), as it says itself otherwise (ui/accounts' errors, which
// word themselves through L) — else the words for a refused paste; false
// when err has none.
func Explain(err error) (string, bool) {
	var m interface{ Message() string }
	if errors.As(err, &m) {
		if w, ok := m.(interface {
			Words() (string, map[string]any)
		}); ok {
			id, data := w.Words()
			return L(id, data), true
		}
		return m.Message(), true
	}
	if id, ok := auth.PasteWords(err); ok {
		return L(id), true
	}
	return "", false
}

// Message is Explain's sentence, or a general one.
func Message(err error) string {
	if msg, ok := Explain(err); ok {
		return msg
	}
	return L("Something went wrong. Please try again.")
}
