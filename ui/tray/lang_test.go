package tray

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/store/storetest"
)

// Fyne picks the language while its packages initialise, from the
// environment: these tests run this test binary again with the locale
// they need (inLocale), and the part under it checks the window there.

const localeChild = "TOKENTRAY_TEST_LOCALE_CHILD"

// inLocale runs the test named test in a child process whose only locale
// setting is LANG=loc, and returns its output, failing if it fails.
func inLocale(t *testing.T, test, loc string) string {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "LANG" && k != "LANGUAGE" && !strings.HasPrefix(k, "LC_") {
			env = append(env, kv)
		}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1", "-test.v")
	cmd.Env = append(env, "LANG="+loc, localeChild+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s under LANG=%s: %v\n%s", test, loc, err, out)
	}
	return string(out)
}

// TestDisconnectInFrench: under LANG=fr_FR.UTF-8 the disconnect
// confirmation is French — Tokentray's words (lang.L), Fyne's buttons —
// and so is what the accounts app (accounts.App) says once it is done
// (words.L).
func TestDisconnectInFrench(t *testing.T) {
	if os.Getenv(localeChild) == "" {
		storetest.RequireSession(t)
		out := inLocale(t, "TestDisconnectInFrench", "fr_FR.UTF-8")
		if strings.Contains(out, "Fyne error") {
			t.Errorf("Fyne logged an error:\n%s", out)
		}
		return
	}
	useWords()
	f := newFixture(t, Options{})
	id := f.connect("Cabinet Dupont")
	f.ui.doAndWait(func() { f.ui.ConfirmDisconnect(id, "Cabinet Dupont") })
	c := f.ui.win.Canvas()
	f.eventually("the confirmation", func() bool { return findDialogButton(t, c, "Déconnecter") != nil })
	f.ui.doAndWait(func() {
		for _, want := range []string{"Déconnecter Cabinet Dupont ?",
			"Tokentray demandera au fournisseur de révoquer l’accès, puis oubliera les jetons de ce compte."} {
			if findDialogLabel(t, c, want) == "" {
				t.Errorf("the confirmation does not say %q", want)
			}
		}
		if findDialogButton(t, c, "Annuler") == nil {
			t.Error("no Annuler button")
		}
		test.Tap(findDialogButton(t, c, "Déconnecter"))
	})
	var said string
	f.eventually("the outcome", func() bool {
		said = f.ui.status.Text
		return said != "" && !strings.HasPrefix(said, "Déconnexion de")
	})
	if want := "Cabinet Dupont est déconnecté."; said != want {
		t.Errorf("the status line says %q, want %q", said, want)
	}
}

// TestQuietInAnyLocale: whatever the locale — one Tokentray has no
// translation for but Fyne has (Polish), or one that does not parse —
// the app's words are found (in English) and nothing is logged once the
// app has started. (Fyne's own complaint about a locale it cannot parse,
// made while its packages initialise, comes before any of Tokentray's
// code: the tokentray command sets LANGUAGE so that it does not happen,
// see ui/cli/tokentray's appEnv.)
func TestQuietInAnyLocale(t *testing.T) {
	if os.Getenv(localeChild) == "" {
		storetest.RequireSession(t)
		for _, loc := range []string{"pl_PL.UTF-8", "xx_!!", "de_DE@euro"} {
			out := inLocale(t, "TestQuietInAnyLocale", loc)
			_, after, ok := strings.Cut(out, "started-----")
			if !ok {
				t.Fatalf("LANG=%s: the child did not start:\n%s", loc, out)
			}
			if strings.Contains(after, "Fyne error") || strings.Contains(after, "Translation failure") {
				t.Errorf("LANG=%s: logged after the start:\n%s", loc, after)
			}
		}
		return
	}
	os.Stderr.WriteString("started-----\n")
	useWords()
	f := newFixture(t, Options{})
	f.ui.doAndWait(func() { f.ui.ShowPreferences() })
	c := f.ui.win.Canvas()
	want := "Show notifications"
	if os.Getenv("LANG") == "de_DE@euro" {
		want = "Benachrichtigungen anzeigen" // German, the modifier set aside
	}
	f.eventually("the preferences", func() bool {
		return findDialog(t, c, func(o *widget.Check) bool { return o.Text == want }) != nil
	})
}

// TestFyneOnlyLanguages: fyneOnlyLanguages are those Fyne has
// translations for (its lang/translations/base.*.json) and Tokentray not.
func TestFyneOnlyLanguages(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "fyne.io/fyne/v2").Output()
	if err != nil {
		t.Skip("go list:", err)
	}
	files, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "lang", "translations", "base.*.json"))
	var fyne []string
	for _, f := range files {
		l := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "base."), ".json")
		l = strings.ReplaceAll(l, "_", "-")
		if !slices.Contains([]string{"en", "fr", "de", "es"}, l) {
			fyne = append(fyne, l)
		}
	}
	slices.Sort(fyne)
	have := slices.Sorted(slices.Values(fyneOnlyLanguages))
	if len(files) == 0 || !slices.Equal(fyne, have) {
		t.Errorf("Fyne translates into %q besides Tokentray's languages; fyneOnlyLanguages is %q", fyne, have)
	}
}

// TestProviderSettingsInFrench: under LANG=fr_FR.UTF-8 the provider
// settings say where the sign-in comes back in French, and a refused
// redirect is refused in French, its reason included.
func TestProviderSettingsInFrench(t *testing.T) {
	if os.Getenv(localeChild) == "" {
		storetest.RequireSession(t)
		inLocale(t, "TestProviderSettingsInFrench", "fr_FR.UTF-8")
		return
	}
	useWords()
	f := newFixture(t, Options{})
	c := f.ui.win.Canvas()
	_, redirect := openProviderSettings(t, f, "Clio (Europe)")
	f.ui.doAndWait(func() {
		if findDialogLabel(t, c, "La connexion se termine sur la page d’approbation de Clio (https://eu.app.clio.com/oauth/approval)") == "" {
			t.Error("the note on where Clio's sign-in comes back is not in French")
		}
		c.Focus(redirect)
		redirect.SetText("http://clio.firm.example/callback")
		redirect.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	want := "Impossible d’enregistrer. La redirection « http://clio.firm.example/callback » ne peut pas être utilisée : " +
		"le http simple n’est permis que vers cet ordinateur (127.0.0.1, [::1] ou localhost) ; une page sur le web demande https://."
	var said string
	f.eventually("the refusal", func() bool {
		said = findDialogLabel(t, c, "Impossible d’enregistrer.")
		return said != ""
	})
	if said != want {
		t.Errorf("the refusal says %q, want %q", said, want)
	}
}
