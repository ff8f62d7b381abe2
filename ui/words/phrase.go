package words

import (
	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
)

// Phrase is words for people as a value: a message ID (the English, with
// text/template fields) and its fields' values, to be said as a field of
// another message (L translates it with the sentence; store.NewProblem
// keeps it as a phrase, said when the problem is) or on its own.
type Phrase struct {
	ID   string
	Data map[string]any
}

// Words is the phrase's message ID and fields.
func (p Phrase) Words() (string, map[string]any) { return p.ID, p.Data }

// String is the phrase in English.
func (p Phrase) String() string { return english(p.ID, p.Data) }

// english is a message ID with its fields filled in, in English: a field
// that words itself (a Phrase, a store.Problem) said in English too. It
// fills them as an account's kept problem is said in English
// (store.Problem.String).
func english(id string, data map[string]any) string {
	return store.NewProblem("", id, data).String()
}

// valueWords is the words of a value that says something as a field of a
// message: one with a Words method (a Phrase, a store.Problem), or what
// auth gives as data — why a redirect was refused (auth.RedirectReason),
// where a person ends a sign-in (auth.EndPlace); false for any other
// value, and for one that says nothing.
func valueWords(v any) (string, map[string]any, bool) {
	switch v := v.(type) {
	case auth.RedirectReason:
		id, data := reasonWords(v)
		return id, data, true
	case auth.EndPlace:
		return endPlaceWords(v)
	case worder:
		id, data := v.Words()
		return id, data, id != ""
	}
	return "", nil, false
}
