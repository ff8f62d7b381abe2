// Package words holds Tokentray's user-facing text in English, French,
// German and Spanish, and translates it for the code that has no Fyne (the
// command line, ui/accounts). The desktop app gives the same files to Fyne
// (lang.AddTranslationsFS(words.FS, words.Dir)) and translates through
// lang.L; both pick the language the same way, from the system's locale
// list, falling back to English without a word when nothing matches (LANG=C,
// C.UTF-8, POSIX, or a locale that does not parse).
//
// Message IDs are the English text; variable parts are text/template fields
// with named data: L("Disconnect {{.Name}}?", map[string]any{"Name": n}).
// Every ID is in each of translations/{en,fr,de,es}.json; coverage_test.go
// fails when a user-visible string is not.
//
// The sentences of auth, the store and the keeper are here too: those
// packages say what happened (an error's kind and fields, which loopback
// page to show) and ui/words says it to a person (explain.go and the
// files it names), and tells auth the words it needs to keep (auth.Words).
package words

import (
	"embed"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/jeandeaual/go-locale"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// FS holds the translation files, in Dir, for lang.AddTranslationsFS.
//
//go:embed translations
var FS embed.FS

// Dir is the folder of the translation files in FS.
const Dir = "translations"

// Languages are the languages translated, English first: the fallback.
var Languages = []string{"en", "fr", "de", "es"}

var (
	mu        sync.Mutex
	localizer *i18n.Localizer
	chosen    string
)

// Language is the language L translates to: one of Languages.
func Language() string {
	mu.Lock()
	defer mu.Unlock()
	setup()
	return chosen
}

// Use makes L translate to lang (one of Languages; anything else is
// English) instead of the system's language: for tests.
func Use(lang string) {
	mu.Lock()
	defer mu.Unlock()
	use(Match([]string{lang}))
}

// setup chooses the system's language the first time; mu is held. The
// files are read then, not when the program starts: a command that says
// nothing reads none.
func setup() {
	if localizer == nil {
		locs, _ := locale.GetLocales() // no list: English
		use(Match(locs))
	}
}

func use(lang string) {
	bundle := i18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	for _, l := range []string{"en", lang} {
		// The files are embedded and checked by the tests.
		_, _ = bundle.LoadMessageFileFS(FS, Dir+"/"+l+".json")
	}
	localizer, chosen = i18n.NewLocalizer(bundle, lang), lang
}

// Match is the language of Languages that best fits locales (BCP 47 tags,
// as go-locale lists the system's), as Fyne's lang package matches them;
// English when none fits or none parses.
func Match(locales []string) string {
	var tags []language.Tag
	for _, l := range locales {
		if t, ok := parse(l); ok {
			tags = append(tags, t)
		}
	}
	if len(tags) == 0 {
		return Languages[0]
	}
	supported := make([]language.Tag, len(Languages))
	for i, l := range Languages {
		supported[i] = language.Make(l)
	}
	_, i, conf := language.NewMatcher(supported).Match(tags...)
	if conf == language.No {
		return Languages[0]
	}
	return Languages[i]
}

// L is the translation of the English text id, its template filled with
// data (a map or a struct with exported fields). An ID with no translation
// is the English text itself. A field of a map that words itself (a value
// with a Words method, such as a Phrase; auth's data that says something,
// such as an auth.RedirectReason; or an error with words, such as an
// *auth.Error: the reason inside a sentence) is translated first.
func L(id string, data ...any) string {
	s, _ := say(id, data...)
	return s
}

// say is L, and whether id is in the language's translation (or the
// language is English): false when the English text is all there is.
func say(id string, data ...any) (string, bool) {
	var d any
	if len(data) > 0 {
		d = data[0]
	}
	if m, ok := d.(map[string]any); ok {
		d = phrases(m)
	}
	mu.Lock()
	setup()
	l := localizer
	mu.Unlock()
	s, err := l.Localize(&i18n.LocalizeConfig{DefaultMessage: &i18n.Message{ID: id, Other: id}, TemplateData: d})
	var missing *i18n.MessageNotFoundErr
	if err != nil && s == "" {
		return fill(id, d), false
	}
	return s, !errors.As(err, &missing)
}

// worder is a value that gives its words as a message ID and fields.
type worder interface {
	Words() (string, map[string]any)
}

// phrases is m with each field that words itself translated (m itself is
// left as it is): an error that has a plain sentence (Explain), or a
// value with words (a Words method with an ID, or auth's data that says
// something: valueWords). Any other value, an error with no words of its
// own among them, is left to the template.
func phrases(m map[string]any) map[string]any {
	var out map[string]any
	for k, v := range m {
		var said string
		if err, ok := v.(error); ok {
			said, _ = Explain(err)
		} else if id, data, ok := valueWords(v); ok {
			said = L(id, data)
		}
		if said == "" {
			continue
		}
		if out == nil {
			out = make(map[string]any, len(m))
			for k2, v2 := range m {
				out[k2] = v2
			}
		}
		out[k] = said
	}
	if out == nil {
		return m
	}
	return out
}

// fill is id's template filled, or id itself.
func fill(id string, data any) string {
	t, err := template.New("").Parse(id)
	if err != nil {
		return id
	}
	var b strings.Builder
	if t.Execute(&b, data) != nil {
		return id
	}
	return b.String()
}

// Day is t's day, with its weekday and month, in the language's words
// ("Mon 2 Jan", "lun. 2 janv.", "Mo., 2. Jan.").
func Day(t time.Time) string {
	weekdays := [...]string{L("Sun"), L("Mon"), L("Tue"), L("Wed"), L("Thu"), L("Fri"), L("Sat")}
	months := [...]string{L("Jan"), L("Feb"), L("Mar"), L("Apr"), L("May"), L("Jun"),
		L("Jul"), L("Aug"), L("Sep"), L("Oct"), L("Nov"), L("Dec")}
	return L("{{.Weekday}} {{.Day}} {{.Month}}",
		map[string]any{"Weekday": weekdays[t.Weekday()], "Day": t.Day(), "Month": months[t.Month()-1]})
}

// parse reads a locale of go-locale's list, a modifier set aside
// ("de-DE@euro", from LANG=de_DE@euro, is German).
func parse(l string) (language.Tag, bool) {
	l, _, _ = strings.Cut(l, "@")
	t, err := language.Parse(l)
	return t, err == nil
}

// QuietLanguage is for a program about to let Fyne read the locale: when
// an entry of the system's locale list does not parse as it is (C.UTF-8
// reads as a language "C"; de_DE@euro; a mistyped LANG), Fyne's lang
// package logs an error on stderr for each and ignores it; setting
// LANGUAGE to value, the entries that parse once a modifier is set aside
// (else "en"), asks for the language meant, without a word. ok is false
// when nothing needs doing. (Only a Unix locale comes from the
// environment: elsewhere it always parses.)
func QuietLanguage() (value string, ok bool) {
	locs, err := locale.GetLocales()
	if err != nil {
		return "", false
	}
	var good []string
	for _, l := range locs {
		if _, err := language.Parse(l); err != nil {
			ok = true
		}
		if t, fine := parse(l); fine {
			good = append(good, strings.ReplaceAll(t.String(), "-", "_"))
		}
	}
	if !ok {
		return "", false
	}
	if len(good) == 0 {
		return "en", true
	}
	return strings.Join(good, ":"), true
}

// QuietLocale is QuietLanguage for a POSIX locale loc (the value of
// LC_ALL, LC_MESSAGES or LANG, whichever is set first) that a program
// about to start the desktop app has in hand: the LANGUAGE that keeps
// Fyne from logging about it, and whether one is needed. "C" and "POSIX"
// ask for no translation and need none.
func QuietLocale(loc string) (value string, ok bool) {
	if loc == "" || loc == "C" || loc == "POSIX" {
		return "", false
	}
	// As go-locale reads it: the encoding dropped, lang[-REGION].
	l, _, _ := strings.Cut(loc, ".")
	l = strings.Replace(strings.ReplaceAll(l, "-", "_"), "_", "-", 1)
	if _, err := language.Parse(l); err == nil {
		return "", false
	}
	if t, fine := parse(l); fine {
		return strings.ReplaceAll(t.String(), "-", "_"), true
	}
	return "en", true
}

// Mark returns id as it is: it marks a message ID that is translated
// later, with L, where it is shown (a flag's description, translated when
// the help is printed), so that the translations are read only then.
func Mark(id string) string { return id }
