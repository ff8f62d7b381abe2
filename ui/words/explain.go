package words

import (
	"errors"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/store"
)

// Explain is the plain sentence for err in the user's language, and
// whether it has one: that of the outermost error in err's chain that has
// words — translated when they are a message ID (auth's, the store's and
// the keeper's errors, whose words are here; an error with a Words
// method), as it says itself otherwise (ui/accounts' errors, which word
// themselves through L) — else the words for a refused paste; false when
// err has none. A message ID this language has no translation of (an
// error from a Tokentray of another version: the app the command line
// asks) is said by its kind, as this Tokentray words that kind, rather
// than in English. The tray and the command line word every error with
// it, each with its own fallback for an error that has no words (see
// Message).
func Explain(err error) (string, bool) {
	if id, data, ok := explainWords(err); ok {
		s, translated := say(id, data)
		if !translated {
			if k, ok := byKind(kindOf(err)); ok {
				return k, true
			}
		}
		return s, true
	}
	if m, ok := outermost(err).(messager); ok {
		return m.Message(), true // words itself (through L)
	}
	return "", false
}

// Message is Explain's sentence, or a general one. Show it instead of
// err.Error().
func Message(err error) string {
	if msg, ok := Explain(err); ok {
		return msg
	}
	return L("Something went wrong. Please try again.")
}

// ExplainWords is Explain as a message ID and its fields, for a
// translation or to be kept and said later (an account's last problem,
// an error the app sends the command line): the words of the outermost
// error in err's chain that has words, else a refused paste's. ok is
// false when err has none, and when that error gives a Message but no
// message ID (it words itself in the user's language already: Explain
// it); then id and data are the general sentence's ("Something went
// wrong…").
func ExplainWords(err error) (id string, data map[string]any, ok bool) {
	if id, data, ok := explainWords(err); ok {
		return id, data, true
	}
	id, data = unexplained.Words()
	return id, data, false
}

// English is the plain sentence for err in English, as the outermost
// error in err's chain that has words says it — auth's, the store's and
// the keeper's errors with their words here filled in, any other as its
// Message method says it — and whether there is one (a refused paste's
// words aside).
func English(err error) (string, bool) {
	e := outermost(err)
	if e == nil {
		return "", false
	}
	if id, data, ok := wordsOf(e); ok {
		return english(id, data), true
	}
	return e.(messager).Message(), true
}

// explainWords is ExplainWords' message ID and fields, and whether err
// has them.
func explainWords(err error) (string, map[string]any, bool) {
	if e := outermost(err); e != nil {
		if id, data, ok := wordsOf(e); ok {
			return id, data, true
		}
		if w, ok := e.(worder); ok {
			id, data := w.Words()
			return id, data, id != ""
		}
		return "", nil, false
	}
	if id, ok := pasteWords(err); ok {
		return id, nil, true
	}
	return "", nil, false
}

// messager is an error that words itself (ui/accounts' errors, through
// L; the app's error as the command line hears it).
type messager interface{ Message() string }

// wordsOf is the words of err itself, not of an error it wraps: those of
// auth's, the store's and the keeper's errors, as a message ID and its
// fields; false for any other error.
func wordsOf(err error) (string, map[string]any, bool) {
	var id string
	var data map[string]any
	switch e := err.(type) {
	case *auth.Error:
		id, data = errorWords(e)
	case *auth.RedirectError:
		id, data = redirectErrorWords(e)
	case *auth.URLError:
		id, data = urlErrorWords(e)
	case *store.KeyringError:
		id, data = keyringWords(e)
	case *store.CorruptError:
		id, data = corruptWords(e)
	case *store.WriteError:
		id, data = writeWords(e)
	case *store.UnreadableError:
		id, data = unreadableWords(e)
	case *keeper.LinkError:
		id, data = linkWords(e)
	default:
		return "", nil, false
	}
	return id, data, true
}

// outermost is the first error in err's chain, in errors.As's order, that
// has words: one whose words are here (wordsOf), or one that words itself
// (a messager); nil if none does.
func outermost(err error) error {
	for err != nil {
		if _, _, ok := wordsOf(err); ok {
			return err
		}
		if _, ok := err.(messager); ok {
			return err
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if found := outermost(e); found != nil {
					return found
				}
			}
			return nil
		default:
			return nil
		}
	}
	return nil
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
		return L(unexplained.Words())
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
	return say(errorWords(&auth.Error{Kind: k, Op: "refresh"}))
}
