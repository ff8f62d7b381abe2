package words_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/words"
)

// TestExplainInTheUsersLanguage: the sentences of auth's and the store's
// errors, and of a refused paste, come in the user's language (here
// French and German), with their varying parts filled in; in English they
// are the errors' own Message, word for word.
func TestExplainInTheUsersLanguage(t *testing.T) {
	defer words.Use("en")
	wrapped := func(err error) error { return fmt.Errorf("refresh account a1: %w", err) }
	noClient := &auth.Error{Kind: auth.KindMisconfigured, NoClientID: &auth.ProviderName{ID: "clio-eu", Name: "Clio (Europe)"}}
	_, badRedirect := auth.Provider{ID: "x", Name: "X"}.WithRedirect("http://example.com:99999/cb")
	_, noRedirect := auth.Provider{ID: "x", Name: "X"}.WithRedirect("")
	cases := []struct {
		err    error
		fr, de string
	}{
		{wrapped(&auth.Error{Kind: auth.KindTransient}), "Tokentray n’a pas pu joindre le fournisseur.", "Tokentray konnte den Anbieter nicht erreichen."},
		{noClient, "Clio (Europe) n’a pas encore d’identifiant client.", "tokentray provider set clio-eu --client-id"},
		{&auth.Error{Kind: auth.KindMisconfigured, NoClientSecret: &auth.ProviderName{ID: "clientcasa", Name: "ClientCasa"}},
			"ClientCasa a besoin du secret client enregistré pour Tokentray", "tokentray provider set clientcasa --client-secret-stdin"},
		{&auth.URLError{Value: "http://api.example.com/t"}, "L’adresse « http://api.example.com/t » ne peut pas être utilisée",
			"Die Adresse „http://api.example.com/t“ kann nicht verwendet werden"},
		{&auth.Error{Kind: auth.KindPortBusy, Port: 8765, Holder: "node"}, "Le port 8765", "„node“"},
		{wrapped(&store.WriteError{Path: "/home/ada/.config/tokentray/accounts.json"}), "dans /home/ada/.config/tokentray (le disque", "in /home/ada/.config/tokentray speichern"},
		{auth.ErrOtherAttempt, "Cette approbation appartient à une tentative précédente.", "Diese Freigabe gehört zu einem früheren Versuch."},
		// A refused redirect: its reason is a phrase of its own, translated
		// inside the sentence, and so are the choices inside the reason.
		{badRedirect, "La redirection « http://example.com:99999/cb » ne peut pas être utilisée : son port 99999 n’est pas un numéro de port",
			"ihr Port 99999 ist keine Portnummer zwischen 1 und 65535"},
		{noRedirect, "elle est vide ; indiquez l’une de ces valeurs : loopback, approval (Clio), http://127.0.0.1:PORT/CHEMIN (ou localhost",
			"oder eine https://-Adresse."},
	}
	for _, c := range cases {
		words.Use("en")
		en, ok := words.Explain(c.err)
		if want, _ := auth.Explain(c.err); !ok || en != want {
			t.Errorf("%v in English: %q, want auth's own %q", c.err, en, want)
		}
		for lang, want := range map[string]string{"fr": c.fr, "de": c.de} {
			words.Use(lang)
			got, _ := words.Explain(c.err)
			if !strings.Contains(got, want) || strings.Contains(got, "{{") {
				t.Errorf("%v in %s: %q, want it to say %q", c.err, lang, got, want)
			}
		}
	}
	words.Use("fr")
	if _, ok := words.Explain(fmt.Errorf("no such account")); ok {
		t.Error("an error with no words of its own was explained")
	}
}
