package keeper

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store"
)

// unwritableLink is a linked file that can be read from no more, nor
// written to.
type unwritableLink struct{ err error }

func (l unwritableLink) Read() (*oauth2.Token, error) { return nil, errors.New("no file") }
func (l unwritableLink) Write(*oauth2.Token) error    { return l.err }

// TestLinkedFileProblemKeptAsWords: a renewed sign-in that could not be
// written to the account's linked file is kept as what happened — its
// kind, its message ID, and its reason as a phrase with the reason's own
// fields — not as a sentence, so that it is said in the reader's language;
// the sentence an older Tokentray kept is dropped.
func TestLinkedFileProblemKeptAsWords(t *testing.T) {
	t.Parallel()
	f := newFixture(t, authtest.Config{})
	f.seed("a", f.now().Add(-time.Second))
	err := f.st.UpdateAccount(f.ctx, "a", func(tx *store.AccountTx) error {
		a, err := tx.Account()
		if err != nil {
			return err
		}
		a.LastError = "An older Tokentray's English sentence."
		return tx.PutAccount(a)
	})
	if err != nil {
		t.Fatal(err)
	}
	why := &store.WriteError{Path: "/home/ada/.claude/.credentials.json", Err: errors.New("no space left on device")}
	k := f.keeper(func(c *Config) {
		c.Link = func(store.Account) Link { return unwritableLink{why} }
	})
	tok, err := k.EnsureFresh(f.ctx, "a", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	secretToken(t, tok)
	a, err := f.st.Account("a")
	if err != nil {
		t.Fatal(err)
	}
	linkID, _, _ := auth.ExplainWords(&LinkError{Err: why})
	whyID, _, _ := auth.ExplainWords(why)
	p := a.LastProblem
	if a.Status != StatusOK || p.Kind != ProblemLinkedFile || p.ID != linkID || len(p.Fields) != 0 ||
		p.Phrases["Why"].ID != whyID || p.Phrases["Why"].Fields["Folder"] != filepath.Dir(why.Path) {
		t.Errorf("status %q, problem %+v; want %q with the reason %q in %s", a.Status, p, linkID, whyID, filepath.Dir(why.Path))
	}
	if a.LastError != "" {
		t.Errorf("the older sentence %q is still kept beside the problem", a.LastError)
	}
	if want := auth.Message(&LinkError{Err: why}); p.String() != want {
		t.Errorf("the problem says in English %q, want %q", p.String(), want)
	}
}
