package words

import "github.com/tokentray/tokentray/auth"

// ProviderName is a provider's name as a sentence says it, in the user's
// language: a built-in Clio preset's own name is its region's name in that
// language ("Clio (États-Unis)" for clio-us in French); any other name — a
// brand, or the name someone gave the provider — is as it is.
func ProviderName(id, name string) string {
	if p, ok := providerSaid(auth.ProviderName{ID: id, Name: name}).(Phrase); ok {
		return L(p.Words())
	}
	return name
}

// providerSaid is the name as a field of a message: a built-in Clio
// preset's own name ("Clio (United States)", or none) as a phrase,
// "Clio ({{.Region}})" with the region's name as a phrase of its own,
// so that it is translated with the sentence ("Clio (États-Unis)" in
// French); any other name — a brand, or the name someone gave the
// provider — as it is, the same in every language.
func providerSaid(n auth.ProviderName) any {
	r, ok := auth.ClioRegionOf(n.ID)
	if !ok {
		return n.Name
	}
	region, ok := regionName(r)
	if p, _ := auth.Preset(n.ID); !ok || n.Name != "" && n.Name != p.Name {
		return n.Name
	}
	return Phrase{ID: "Clio ({{.Region}})", Data: map[string]any{"Region": region}}
}

// Region is a Clio region's name in the user's language ("États-Unis").
func Region(r auth.ClioRegion) string {
	if p, ok := regionName(r); ok {
		return L(p.Words())
	}
	return r.Label
}

// regionName is the region's name as words to translate: its Label as a
// message ID ("United States", said "États-Unis" in French); false for a
// region that is not one of auth.ClioRegions.
func regionName(r auth.ClioRegion) (Phrase, bool) {
	switch r.Code {
	case "us":
		return Phrase{ID: "United States"}, true
	case "ca":
		return Phrase{ID: "Canada"}, true
	case "eu":
		return Phrase{ID: "Europe"}, true
	case "au":
		return Phrase{ID: "Australia"}, true
	}
	return Phrase{}, false
}

// endPlaceWords is where a person ends a sign-in at the provider, as a
// phrase that follows "revoke it" (auth.Provider.EndWhere); false when
// the provider's documents say nothing.
func endPlaceWords(e auth.EndPlace) (string, map[string]any, bool) {
	switch e.ID {
	case auth.EndClientCasaDashboard:
		return "from your ClientCasa dashboard ({{.Address}})", map[string]any{"Address": e.Address}, true
	}
	return "", nil, false
}

// Wording is auth's words for people in the user's language, for
// auth.WithWording: the pages the loopback listener answers the browser
// with after a sign-in ("Approved…").
func Wording() auth.Wording { return auth.Wording{Lang: Language(), L: L} }
