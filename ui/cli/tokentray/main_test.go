//go:build unix

package main

import (
	"slices"
	"testing"
)

func TestAppEnv(t *testing.T) {
	for _, tc := range []struct {
		env  []string
		want string // the LANGUAGE added, or "" for none
	}{
		{[]string{"LANG=C.UTF-8"}, "en"},
		{[]string{"LANG=C.utf8"}, "en"},
		{[]string{"LANG=POSIX.UTF-8"}, "en"},
		{[]string{"LANG=de_DE.UTF-8", "LC_ALL=C.UTF-8"}, "en"},    // LC_ALL wins
		{[]string{"LANG=C.UTF-8", "LC_MESSAGES=fr_FR.UTF-8"}, ""}, // LC_MESSAGES wins
		{[]string{"LANG=C.UTF-8", "LANGUAGE=fr"}, ""},             // LANGUAGE is read
		{[]string{"LANG=C"}, ""},                                  // Fyne reads plain C as no locale
		{[]string{"LANG=POSIX"}, ""},
		{[]string{"LANG=de_DE.UTF-8"}, ""},
		{[]string{"LANG=de_DE@euro"}, "de_DE"}, // Fyne would ignore it, and say so
		{[]string{"LANG=fr_CA.UTF-8@x"}, ""},   // the encoding goes first: fr_CA
		{[]string{"LANG=garbage"}, "en"},
		{[]string{"LANG=xx_!!"}, "en"},
		{[]string{"LC_ALL=fr_FR.UTF-8"}, ""},
		{nil, ""},
		{[]string{"LANG=C.UTF-8", "LANG=de_DE.UTF-8"}, "en"}, // the first counts, as for getenv
	} {
		got := appEnv(slices.Clone(tc.env))
		added := ""
		if len(got) > len(tc.env) {
			added = got[len(got)-1]
		}
		if want := map[bool]string{true: "LANGUAGE=" + tc.want, false: ""}[tc.want != ""]; added != want {
			t.Errorf("appEnv(%q) added %q, want %q", tc.env, added, want)
		}
	}
}
