//go:build unix

package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMessagesInTheUsersLanguage: tokentray as it ships says its messages
// on stderr in the language of LANGUAGE, LC_ALL, LC_MESSAGES or LANG (as
// gettext reads them), and in English — and nothing else — when the locale
// asks for none (C, POSIX, C.UTF-8), does not parse, or is a language
// Tokentray has no translation for.
func TestMessagesInTheUsersLanguage(t *testing.T) {
	bin := buildCommand(t)
	const english = "tokentray: token takes one account name\nRun “tokentray help” for usage.\n"
	for _, tc := range []struct {
		env  []string
		want string
	}{
		{[]string{"LANG=fr_FR.UTF-8"}, "tokentray: token attend un seul nom de compte\nLancez « tokentray help » pour l’aide.\n"},
		{[]string{"LANG=fr_CA.UTF-8"}, "tokentray: token attend un seul nom de compte\nLancez « tokentray help » pour l’aide.\n"},
		{[]string{"LC_ALL=de_DE"}, "tokentray: token erwartet genau einen Kontonamen\nHilfe erhalten Sie mit „tokentray help“.\n"},
		{[]string{"LANG=en_US.UTF-8", "LC_MESSAGES=es_ES"}, "tokentray: token espera un único nombre de cuenta\nEjecute «tokentray help» para ver la ayuda.\n"},
		{[]string{"LANG=en_US.UTF-8", "LANGUAGE=de:fr"}, "tokentray: token erwartet genau einen Kontonamen\nHilfe erhalten Sie mit „tokentray help“.\n"},
		{[]string{"LANG=de_DE@euro"}, "tokentray: token erwartet genau einen Kontonamen\nHilfe erhalten Sie mit „tokentray help“.\n"},
		{[]string{"LANG=C"}, english},
		{[]string{"LANG=C.UTF-8"}, english},
		{[]string{"LANG=POSIX"}, english},
		{[]string{"LANG=garbage"}, english},
		{[]string{"LANG=xx_!!"}, english},
		{[]string{"LC_ALL=C", "LANGUAGE=fr"}, english}, // C turns LANGUAGE off
		{[]string{"LANG=it_IT.UTF-8"}, english},
		{nil, english},
	} {
		cmd := exec.Command(bin, "token")
		env := withLocale(os.Environ(), "")
		cmd.Env = append(env[:len(env)-1:len(env)-1], tc.env...) // no LANG= but the case's
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
			t.Errorf("%s: tokentray token: %v, want exit code 2", strings.Join(tc.env, " "), err)
		}
		if errOut.String() != tc.want || out.Len() != 0 {
			t.Errorf("%s: stderr %q, stdout %q; want stderr %q", strings.Join(tc.env, " "), errOut.String(), out.String(), tc.want)
		}
	}
}

// TestHelpInTheUsersLanguage: the help, and a command's -h, are in the
// user's language too (the commands and examples as they are typed).
func TestHelpInTheUsersLanguage(t *testing.T) {
	bin := buildCommand(t)
	for _, tc := range []struct {
		args       []string
		lang, want string
	}{
		{[]string{"help"}, "fr_FR.UTF-8", "Utilisation :\n  tokentray token NAME"},
		{[]string{"help"}, "de_DE.UTF-8", "Beispiele:\n  curl -H"},
		{[]string{"token", "-h"}, "es_ES.UTF-8", "Opciones de tokentray token:"},
		{[]string{"token", "-h"}, "fr_FR.UTF-8", "le jeton reste valable au moins aussi longtemps"},
		{[]string{"help"}, "C.UTF-8", "Usage:\n  tokentray token NAME"},
	} {
		cmd := exec.Command(bin, tc.args...)
		env := withLocale(os.Environ(), "")
		cmd.Env = append(env[:len(env)-1:len(env)-1], "LANG="+tc.lang)
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), tc.want) {
			t.Errorf("LANG=%s tokentray %v says:\n%s\nwant it to contain %q", tc.lang, tc.args, out, tc.want)
		}
	}
}
