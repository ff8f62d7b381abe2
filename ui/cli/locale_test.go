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

// TestFlagMistakesInTheUsersLanguage: a mistyped option is said once, in
// one sentence of the user's language (not the flag package's English,
// and without the whole list of options), and a command's -h gives its
// options with their defaults in that language, written --name as the
// README writes them.
func TestFlagMistakesInTheUsersLanguage(t *testing.T) {
	bin := buildCommand(t)
	run := func(lang string, args ...string) (stdout, stderr string, code int) {
		cmd := exec.Command(bin, args...)
		env := withLocale(os.Environ(), "")
		cmd.Env = append(env[:len(env)-1:len(env)-1], "LANG="+lang)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		code = 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		return out.String(), errOut.String(), code
	}
	for _, tc := range []struct {
		lang string
		args []string
		want string
	}{
		{"C.UTF-8", []string{"token", "--bogus", "x"}, "tokentray: “tokentray token” has no option --bogus.\nRun “tokentray help” for usage.\n"},
		{"fr_FR.UTF-8", []string{"token", "x", "--min-valid", "abc"},
			"tokentray: « abc » n’est pas une valeur acceptée par --min-valid : indiquez une durée comme 90s, 10m ou 2h.\nLancez « tokentray help » pour l’aide.\n"},
		{"de_DE.UTF-8", []string{"token", "x", "--format"}, "tokentray: --format braucht einen Wert.\nHilfe erhalten Sie mit „tokentray help“.\n"},
		{"es_ES.UTF-8", []string{"list", "---x"}, "tokentray: «---x» no es una opción: escriba --OPCIÓN o --OPCIÓN=VALOR.\nEjecute «tokentray help» para ver la ayuda.\n"},
		{"C.UTF-8", []string{"list", "--json=maybe"}, "tokentray: “maybe” is not a value --json takes: give true or false.\nRun “tokentray help” for usage.\n"},
		{"C.UTF-8", []string{"provider", "add", "x", "--redirect-port", "eighty"}, "tokentray: “eighty” is not a value --redirect-port takes: give a whole number.\nRun “tokentray help” for usage.\n"},
	} {
		out, errOut, code := run(tc.lang, tc.args...)
		if code != 2 || errOut != tc.want || out != "" {
			t.Errorf("LANG=%s tokentray %v: exit %d, stderr %q, stdout %q; want exit 2 and stderr %q", tc.lang, tc.args, code, errOut, out, tc.want)
		}
	}
	// A name that picks nothing is said in the user's words too, with where
	// to find the right one.
	t.Setenv("TOKENTRAY_CONFIG_DIR", t.TempDir())
	if _, errOut, code := run("fr_FR.UTF-8", "token", "personne"); code != 1 ||
		errOut != "tokentray: Il n’y a pas de compte nommé « personne ». « tokentray list » affiche les comptes et leurs identifiants.\n" {
		t.Errorf("LANG=fr_FR.UTF-8 tokentray token personne: exit %d, stderr %q", code, errOut)
	}
	if _, errOut, code := run("de_DE.UTF-8", "connect", "nirgends"); code != 1 ||
		errOut != "tokentray: Es gibt keinen Anbieter „nirgends“. „tokentray provider list“ zeigt die Anbieter.\n" {
		t.Errorf("LANG=de_DE.UTF-8 tokentray connect nirgends: exit %d, stderr %q", code, errOut)
	}
	_, help, _ := run("fr_FR.UTF-8", "token", "-h")
	for _, want := range []string{"Options de tokentray token :\n", "\n  --min-valid durée\n      le jeton reste valable au moins aussi longtemps (par défaut : 5m0s)\n",
		"\n  --include-refresh-token\n"} {
		if !strings.Contains(help, want) {
			t.Errorf("LANG=fr_FR.UTF-8 tokentray token -h says:\n%s\nwant it to contain %q", help, want)
		}
	}
	if strings.Contains(help, "default") || strings.Contains(help, " -min-valid") {
		t.Errorf("the French options still have the flag package's words:\n%s", help)
	}
}
