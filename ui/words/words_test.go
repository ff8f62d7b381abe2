package words_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/tokentray/tokentray/ui/words"
)

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		locales []string
		want    string
	}{
		{[]string{"fr-FR"}, "fr"}, {[]string{"fr-CA"}, "fr"}, {[]string{"de-CH"}, "de"}, {[]string{"de"}, "de"},
		{[]string{"es-ES"}, "es"}, {[]string{"es-MX"}, "es"}, {[]string{"en-CA"}, "en"}, {[]string{"en-GB"}, "en"},
		{[]string{"it-IT"}, "en"}, {[]string{"it-IT", "es-ES"}, "es"}, // the first the app has
		{nil, "en"}, {[]string{"C"}, "en"}, {[]string{"POSIX"}, "en"}, {[]string{"xx-!!"}, "en"}, {[]string{"garbage"}, "en"},
		{[]string{""}, "en"}, {[]string{"garbage", "de-DE"}, "de"},
	} {
		if got := words.Match(tc.locales); got != tc.want {
			t.Errorf("Match(%q) = %q, want %q", tc.locales, got, tc.want)
		}
	}
}

// TestFilesLoad: go-i18n (Fyne's translation engine too) reads every file
// whole, each text a message of its own (no key taken for a plural form).
func TestFilesLoad(t *testing.T) {
	for _, l := range words.Languages {
		data, err := words.FS.ReadFile(words.Dir + "/" + l + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		b := i18n.NewBundle(language.English)
		b.RegisterUnmarshalFunc("json", json.Unmarshal)
		f, err := b.ParseMessageFileBytes(data, l+".json")
		if err != nil {
			t.Fatalf("%s.json: %v", l, err)
		}
		if len(f.Messages) != len(m) {
			t.Errorf("%s.json: go-i18n reads %d messages of %d texts", l, len(f.Messages), len(m))
		}
	}
}

func TestL(t *testing.T) {
	defer words.Use(words.Language())
	d := map[string]any{"Name": "Cabinet Dupont"}
	for lang, want := range map[string]string{
		"en": "Disconnected Cabinet Dupont.", "fr": "Cabinet Dupont est déconnecté.",
		"de": "Cabinet Dupont ist getrennt.", "es": "Cabinet Dupont está desconectada.",
		"it": "Disconnected Cabinet Dupont.",
	} {
		words.Use(lang)
		if got := words.L("Disconnected {{.Name}}.", d); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	words.Use("fr")
	if got := words.L("A text with no translation, {{.Name}}", d); got != "A text with no translation, Cabinet Dupont" {
		t.Errorf("an unknown ID: %q", got)
	}
	day := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC) // a Monday
	for lang, want := range map[string]string{"en": "Mon 5 Jan", "fr": "lun. 5 janv.", "de": "Mo., 5. Jan.", "es": "lun, 5 ene"} {
		words.Use(lang)
		if got := words.Day(day); got != want {
			t.Errorf("%s: Day = %q, want %q", lang, got, want)
		}
	}
}

func TestQuietLocale(t *testing.T) {
	for loc, want := range map[string]string{
		"": "", "C": "", "POSIX": "", "fr_FR.UTF-8": "", "de_DE": "", "es_ES.utf8": "", "fr-CA": "",
		"C.UTF-8": "en", "POSIX.UTF-8": "en", "garbage": "en", "xx_!!": "en", "de_DE@euro": "de_DE",
	} {
		got, ok := words.QuietLocale(loc)
		if got != want || ok != (want != "") {
			t.Errorf("QuietLocale(%q) = %q, %v; want %q", loc, got, ok, want)
		}
	}
}
