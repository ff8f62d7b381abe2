package auth

import "sync/atomic"

// Words are auth's sentences for people, which auth does not hold: auth
// says what happened — an *Error's Kind and fields, a refused paste's
// sentinel, which page the loopback listener answers — and ui/words,
// which holds every sentence in every language, says it to a person.
// ui/words registers its Words here (SetWords) when a program links it in
// (the tray app and the command line do, and so do the tests of auth and
// auth/keeper), so that the packages below ui/ can ask for the words of
// what outlives their call: auth/keeper keeps an account's last problem
// as a message ID (ExplainWords), and a Connect whose context carries no
// Wording answers the browser in English.
type Words interface {
	// Explain is the sentence of err as a message ID (the English, with
	// text/template fields) and its fields' values; ok is false when err
	// has no words of its own, and then they are the general sentence's
	// ("Something went wrong…").
	Explain(err error) (id string, data map[string]any, ok bool)
	// Message is the sentence of err in English, or the general one.
	Message(err error) string
	// Page is the message IDs of a loopback page's title and body.
	Page(p Page) (title, body string)
}

var registered atomic.Pointer[Words]

// SetWords makes w the Words auth asks. ui/words calls it when it is
// linked in.
func SetWords(w Words) { registered.Store(&w) }

// said is the registered Words, or noWords.
func said() Words {
	if w := registered.Load(); w != nil {
		return *w
	}
	return noWords{}
}

// ExplainWords is the sentence of err as a message ID and its fields (see
// Words.Explain), to be kept and said later in the reader's language (an
// account's last problem). Without ui/words linked in, nothing has words.
func ExplainWords(err error) (id string, data map[string]any, ok bool) {
	return said().Explain(err)
}

// Message is the sentence of err in English, or the general one, for logs
// and tests: people read it in their language, from ui/words
// (words.Message). Without ui/words linked in, it is err's Error text.
func Message(err error) string { return said().Message(err) }

// noWords is what auth says with no Words registered: nothing for
// people, the technical text for logs.
type noWords struct{}

func (noWords) Explain(error) (string, map[string]any, bool) { return "", nil, false }

func (noWords) Message(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func (noWords) Page(p Page) (string, string) { return p.String(), "" }
