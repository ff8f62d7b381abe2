package words_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/words"
)

// TestProviderNamesInTheUsersLanguage: a built-in Clio preset's name
// inside a sentence is said in the user's language — "Clio (États-Unis)"
// in French, as the region list says it — whether the error is said at
// once (words.Explain: the connect dialog, the command line) or kept as
// the account's last problem and said later (words.LastError); a name
// someone gave the provider, and a brand, stay as they are; in English
// nothing changes.
func TestProviderNamesInTheUsersLanguage(t *testing.T) {
	defer words.Use("en")
	us := &auth.ProviderName{ID: "clio-us", Name: "Clio (United States)"}
	noID := &auth.Error{Kind: auth.KindMisconfigured, Op: "connect", NoClientID: us}
	noSecret := &auth.Error{Kind: auth.KindMisconfigured, Op: "connect", NoClientSecret: us}
	kept := func(err error) store.Account {
		var a store.Account
		data, jerr := json.Marshal(store.Account{ID: "a1", LastProblem: keeper.ProblemOf(err)})
		if jerr != nil || json.Unmarshal(data, &a) != nil {
			t.Fatalf("%v: the account's problem does not travel: %v", err, jerr)
		}
		return a
	}
	for _, c := range []struct {
		lang   string
		id     string
		secret string
		name   string
	}{
		{"fr", "Clio (États-Unis) n’a pas encore d’identifiant client.", "Clio (États-Unis) a besoin du secret client", "Clio (États-Unis)"},
		{"de", "tokentray provider set clio-us --client-id", "tokentray provider set clio-us --client-secret-stdin", "Clio (Vereinigte Staaten)"},
		{"en", "Clio (United States) has no client ID yet.", "Clio (United States) needs the client secret", "Clio (United States)"},
	} {
		words.Use(c.lang)
		for _, s := range []struct{ err, want string }{
			{words.Message(noID), c.id}, {words.LastError(kept(noID)), c.id},
			{words.Message(noSecret), c.secret}, {words.LastError(kept(noSecret)), c.secret},
		} {
			if !strings.Contains(s.err, s.want) || !strings.Contains(s.err, c.name) {
				t.Errorf("%s: %q, want it to say %q and name %q", c.lang, s.err, s.want, c.name)
			}
			if c.lang != "en" && strings.Contains(s.err, "United States") {
				t.Errorf("%s: %q names the provider in English", c.lang, s.err)
			}
		}
		if got := words.ProviderName(us.ID, us.Name); got != c.name {
			t.Errorf("%s: ProviderName(%q) = %q, want %q", c.lang, us.Name, got, c.name)
		}
	}
	words.Use("fr")
	for _, c := range []struct{ id, name, want string }{
		{"clio-eu", "Clio (Europe)", "Clio (Europe)"}, {"clio-au", "Clio (Australia)", "Clio (Australie)"},
		{"clio-ca", "", "Clio (Canada)"},
		{"clio-us", "Clio — Cabinet Dupont", "Clio — Cabinet Dupont"}, // the name IT gave it
		{"clientcasa", "ClientCasa", "ClientCasa"}, {"acme", "Clio (United States)", "Clio (United States)"},
	} {
		if got := words.ProviderName(c.id, c.name); got != c.want {
			t.Errorf("ProviderName(%q, %q) = %q, want %q", c.id, c.name, got, c.want)
		}
	}
	for code, want := range map[string]string{"us": "États-Unis", "ca": "Canada", "eu": "Europe", "au": "Australie"} {
		r, _ := auth.ClioRegionByCode(code)
		if got := words.Region(r); got != want {
			t.Errorf("Region(%s) = %q, want %q", code, got, want)
		}
	}
}

// TestLoopbackPagesWording: the Wording ui/accounts gives auth for the
// loopback pages speaks the user's language, and says which.
func TestLoopbackPagesWording(t *testing.T) {
	defer words.Use("en")
	words.Use("fr")
	w := words.Wording()
	if w.Lang != "fr" || w.L == nil || w.L("Approved") != "Approuvé" {
		t.Errorf("the French wording: lang %q, “Approved” said %q", w.Lang, w.L("Approved"))
	}
	words.Use("en")
	if w := words.Wording(); w.Lang != "en" || w.L("Approved") != "Approved" {
		t.Errorf("the English wording: lang %q", w.Lang)
	}
}
