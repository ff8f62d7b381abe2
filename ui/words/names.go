package words

import "github.com/tokentray/tokentray/auth"

// ProviderName is a provider's name as a sentence says it, in the user's
// language: a built-in Clio preset's own name is its region's name in that
// language ("Clio (États-Unis)" for clio-us in French); any other name — a
// brand, or the name someone gave the provider — is as it is.
func ProviderName(id, name string) string {
	if p, ok := (auth.ProviderName{ID: id, Name: name}).Said().(auth.Phrase); ok {
		return L(p.Words())
	}
	return name
}

// Region is a Clio region's name in the user's language ("États-Unis").
func Region(r auth.ClioRegion) string {
	if p, ok := r.Name(); ok {
		return L(p.Words())
	}
	return r.Label
}

// Wording is auth's words for people in the user's language, for
// auth.WithWording: the pages the loopback listener answers the browser
// with after a sign-in ("Approved…").
func Wording() auth.Wording { return auth.Wording{Lang: Language(), L: L} }
