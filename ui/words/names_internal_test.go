package words

import (
	"strings"
	"testing"

	"github.com/tokentray/tokentray/auth"
)

// TestClioNamesAsWords: a built-in Clio preset's own name goes into a
// message as words to translate — "Clio ({{.Region}})" with the region's
// label as a message ID — and reads as before in English; a name someone
// gave the provider, and any other provider's, goes in as it is.
func TestClioNamesAsWords(t *testing.T) {
	for _, r := range auth.ClioRegions() {
		ph, ok := regionName(r)
		if !ok || ph.ID != r.Label {
			t.Errorf("%s: regionName = %v, %v; want its label %q as the message ID", r.Code, ph, ok, r.Label)
		}
		p, _ := auth.Preset(r.PresetID())
		for _, name := range []string{p.Name, ""} {
			said, ok := providerSaid(auth.ProviderName{ID: p.ID, Name: name}).(Phrase)
			if !ok || said.ID != "Clio ({{.Region}})" || said.String() != p.Name {
				t.Errorf("%s named %q: said as %#v, want Clio ({{.Region}}) reading %q", p.ID, name, said, p.Name)
			}
		}
		e := &auth.Error{Kind: auth.KindMisconfigured, Op: "connect", NoClientID: &auth.ProviderName{ID: p.ID, Name: p.Name}}
		if want, msg := p.Name+" has no client ID yet.", auth.Message(e); !strings.HasPrefix(msg, want) {
			t.Errorf("%s: %q, want it to begin %q", p.ID, msg, want)
		}
	}
	for _, n := range []auth.ProviderName{{ID: "clio-eu", Name: "Clio — Cabinet Dupont"}, {ID: "clientcasa", Name: "ClientCasa"}, {ID: "acme", Name: "Acme"}} {
		if said, ok := providerSaid(n).(string); !ok || said != n.Name {
			t.Errorf("%v: said as %#v, want the name as it is", n, providerSaid(n))
		}
	}
	if _, ok := regionName(auth.ClioRegion{Code: "xx", Label: "Elsewhere"}); ok {
		t.Error("a region that is not Clio's has a name to translate")
	}
}
