//go:build unix && !darwin

package words_test

import (
	"testing"

	"github.com/tokentray/tokentray/ui/words"
)

// TestQuietLanguage: the Unix locale list, from the environment.
func TestQuietLanguage(t *testing.T) {
	for _, tc := range []struct {
		lang, language, want string
	}{
		{"fr_FR.UTF-8", "", ""}, {"C", "", ""}, {"C.UTF-8", "", "en"}, {"garbage", "", "en"},
		{"de_DE@euro", "", "de_DE"}, {"en_US.UTF-8", "fr:xx!!:de", "fr:de"},
	} {
		t.Setenv("LC_ALL", "")
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", tc.lang)
		t.Setenv("LANGUAGE", tc.language)
		got, ok := words.QuietLanguage()
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("LANG=%s LANGUAGE=%s: QuietLanguage() = %q, %v; want %q", tc.lang, tc.language, got, ok, tc.want)
		}
	}
}
