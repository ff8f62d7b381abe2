package tray

import (
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/tokentray/tokentray/ui/words"
)

// fyneOnlyLanguages are the languages Fyne translates its own words into
// (lang/translations in its module) that Tokentray does not. Fyne picks one
// of them for such a user; Tokentray's English is registered under each,
// so that its words are found (in English) instead of Fyne logging a
// "Translation failure" for each. TestFyneOnlyLanguages keeps the list in
// step with Fyne's.
var fyneOnlyLanguages = []string{"cs", "el", "ja", "pl", "pt", "pt-BR", "ru", "sv", "ta", "uk", "zh-Hans"}

// useWords gives Fyne Tokentray's translations (ui/words), in the
// language of the system's locale list, English when none matches. Call
// it before the app's first words.
func useWords() {
	// A locale entry Fyne cannot parse (C.UTF-8, de_DE@euro, a mistyped
	// LANG) is logged on stderr, and ignored, at every look-up of the
	// locale; LANGUAGE set to what it means (de_DE; else English) keeps
	// these quiet and gets the language meant. It stays set: Fyne looks the
	// locale up again later, and the programs the app starts (the browser)
	// are better for it too. (Fyne's first look-up, while its packages
	// initialise, has logged already: the tokentray command that starts the
	// app sets LANGUAGE the same way beforehand.)
	if v, ok := words.QuietLanguage(); ok {
		os.Setenv("LANGUAGE", v)
	}
	if err := lang.AddTranslationsFS(words.FS, words.Dir); err != nil {
		fyne.LogError("Tokentray's translations", err) // the tests read them all: not expected
	}
	en, err := words.FS.ReadFile(words.Dir + "/en.json")
	if err != nil {
		return
	}
	for _, l := range fyneOnlyLanguages {
		_ = lang.AddTranslationsForLocale(en, fyne.Locale(l))
	}
}
