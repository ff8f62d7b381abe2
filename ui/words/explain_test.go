package words_test

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"
	"testing"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/words"
)

// TestExplainInTheUsersLanguage: the sentences of auth's and the store's
// errors, and of a refused paste, come in the user's language (here
// French and German), with their varying parts filled in; in English they
// are what auth.Message says (the English the keeper keeps, filled in),
// word for word.
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
		if want := auth.Message(c.err); !ok || en != want {
			t.Errorf("%v in English: %q, want what auth.Message says, %q", c.err, en, want)
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

// worded is an error of another package that words itself.
type worded struct{ err error }

func (w worded) Error() string   { return "worded: " + w.err.Error() }
func (w worded) Unwrap() error   { return w.err }
func (w worded) Message() string { return "The outer words." }

// TestExplainOutermost: the outermost error that words itself is the one
// heard; a refused paste has words; an error without any has none, and
// Message gives the general sentence for it — in English as auth.Message
// gives it to auth and the keeper, and in the user's language.
func TestExplainOutermost(t *testing.T) {
	defer words.Use("en")
	words.Use("en")
	declined := &auth.Error{Kind: auth.KindDeclined, Op: "connect"}
	const declinedSaid = "You declined access in the browser. Nothing was connected; choose Connect again if that was a mistake."
	for _, c := range []struct {
		err  error
		want string
		ok   bool
	}{
		{declined, declinedSaid, true},
		{fmt.Errorf("connect: %w", declined), declinedSaid, true},
		{worded{declined}, "The outer words.", true},
		{fmt.Errorf("disconnect: %w", worded{declined}), "The outer words.", true},
		{errors.Join(errors.New("plain"), fmt.Errorf("connect: %w", declined)), declinedSaid, true},
		{fmt.Errorf("paste: %w", auth.ErrNotApproval), "That is not Clio's approval page. Paste the address of the page you landed on after approving (it contains code=…), its title, or just the code.", true},
		{errors.New("plain"), "", false},
		{nil, "", false},
	} {
		got, ok := words.Explain(c.err)
		if got != c.want || ok != c.ok {
			t.Errorf("Explain(%v) = %q, %v; want %q, %v", c.err, got, ok, c.want, c.ok)
		}
		want := c.want
		if !c.ok {
			want = "Something went wrong. Please try again."
		}
		if msg := words.Message(c.err); msg != want {
			t.Errorf("Message(%v) = %q, want %q", c.err, msg, want)
		}
		if msg := auth.Message(c.err); msg != want {
			t.Errorf("auth.Message(%v) = %q, want %q", c.err, msg, want)
		}
		if id, _, ok := auth.ExplainWords(c.err); ok != (c.ok && c.want != "The outer words.") || id == "" {
			t.Errorf("auth.ExplainWords(%v) = %q, %v", c.err, id, ok)
		}
	}
}

// TestStoreErrorsSaid: the store's errors say what is wrong and how to fix
// it — a keyring that did not answer, is locked, or is missing (with the
// keyrings to install), a damaged list of accounts (where its copy is),
// tokens that cannot be read.
func TestStoreErrorsSaid(t *testing.T) {
	defer words.Use("en")
	words.Use("en")
	missing := &store.KeyringError{Op: "store key", Err: &net.OpError{Op: "dial", Net: "unix", Err: errors.New("no such file")}}
	installs := "gnome-keyring"
	if runtime.GOOS == "windows" {
		installs = "Credential Manager"
	}
	for _, c := range []struct {
		err  error
		says []string
	}{
		{&store.KeyringError{Op: "read key", Timeout: true}, []string{"did not answer", "unlock"}},
		{&store.KeyringError{Op: "read key", Err: errors.New("failed to unlock correct collection")}, []string{"is locked", "Unlock it"}},
		{missing, []string{"No system keyring is running", installs}},
		{&store.KeyringError{Op: "read key", Err: errors.New("something else")}, []string{"could not use it", installs}},
		{&store.CorruptError{Path: "/home/ada/.config/tokentray/accounts.json", Backup: "/home/ada/.config/tokentray/accounts.json.corrupt"},
			[]string{"A copy was kept at /home/ada/.config/tokentray/accounts.json.corrupt."}},
		{&store.UnreadableError{Name: "account-a1", Err: errors.New("not a sealed file")}, []string{"can no longer read", "reconnect"}},
	} {
		got, ok := words.Explain(fmt.Errorf("save: %w", c.err))
		for _, s := range c.says {
			if !ok || !strings.Contains(got, s) {
				t.Errorf("%v: %q, want it to say %q", c.err, got, s)
			}
		}
	}
}

// TestRedirectsSaid: why a redirect was refused, and where a provider's
// sign-in comes back to, said as before.
func TestRedirectsSaid(t *testing.T) {
	defer words.Use("en")
	words.Use("en")
	casa, _ := auth.Preset("clientcasa")
	clio, _ := auth.Preset("clio-eu")
	anthropic, _ := auth.Preset("anthropic")
	for _, c := range []struct {
		p      auth.Provider
		in, is string // is: a word the message must contain
	}{
		{casa, "", "it is empty; give one of loopback, approval (Clio)"},
		{casa, "approval", "only Clio has an approval page; for ClientCasa use"},
		{anthropic, "loopback", "Anthropic (Claude) has no browser sign-in"},
		{casa, "http://crm.firm.example/callback", "plain http"},
		{casa, "http://127.0.0.1:70000/callback", "its port 70000 is not a port number from 1 to 65535"},
		{casa, "http://127.0.0.1:8080/cb?x=1", "?…"},
		{casa, "https://crm.firm.example/cb#top", "#…"},
		{casa, "https://user:pw@crm.firm.example/cb", "user name"},
		{casa, "http://127.0.0.1:8080//cb", "its path //cb may hold only"},
		{casa, "com.firm.app:/oauth", "it is not an address; give one of"},
		{casa, "ftp://127.0.0.1/cb", "or at an https:// page"},
	} {
		_, err := c.p.WithRedirect(c.in)
		msg, ok := words.Explain(err)
		if !ok || !strings.Contains(msg, c.is) || !strings.HasPrefix(msg, "The redirect “"+c.in+"” cannot be used: ") || !strings.HasSuffix(msg, ".") {
			t.Errorf("%s %q: message %q lacks %q", c.p.ID, c.in, msg, c.is)
		}
	}
	page, _ := casa.WithRedirect("https://crm.firm.example/oauth/tokentray")
	anyPort, _ := clio.WithRedirect("loopback")
	for _, c := range []struct {
		p    auth.Provider
		want string
	}{
		{clio, "Sign-in ends on Clio's approval page (https://eu.app.clio.com/oauth/approval): Tokentray reads the code"},
		{page, "Sign-in ends on the web page https://crm.firm.example/oauth/tokentray: after you approve"},
		{casa, "Sign-in comes back to Tokentray on this computer at http://localhost:53111/callback."},
		{anyPort, "Sign-in comes back to Tokentray on this computer at http://127.0.0.1/callback, on any free port."},
		{anthropic, "No browser sign-in: the credentials are imported."},
	} {
		if got := words.L(words.RedirectWords(c.p)); !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: %q, want %q", c.p.ID, got, c.want)
		}
	}
	where := words.L("{{.Where}}", map[string]any{"Where": casa.EndWhere})
	if where != "from your ClientCasa dashboard (https://www.clientcasa.com)" {
		t.Errorf("where ClientCasa's sign-in is ended: %q", where)
	}
}
