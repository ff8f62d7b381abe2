package accounts

import (
	"context"

	"github.com/tokentray/tokentray/auth"
)

// DemoProviderID is the demo provider's ID.
const DemoProviderID = "demo"

// DemoProvider is the provider of a local test authorization server at
// issuerURL (auth/authtest's: the demo build's, the tray tests'), its
// endpoints found by discovery: ID DemoProviderID, named "Demo provider",
// asking the OpenID scopes and offline_access, for the client clientID
// with clientSecret. The caller passes authtest's client: this package
// does not import authtest, which the release binary must not link.
// Save it with SaveProvider.
func DemoProvider(ctx context.Context, issuerURL, clientID, clientSecret string) (auth.Provider, error) {
	p, err := auth.Discover(ctx, nil, issuerURL)
	if err != nil {
		return auth.Provider{}, err // the caller says it is the demo provider's
	}
	p.ID, p.Name = DemoProviderID, "Demo provider"
	p.ClientID, p.ClientSecret = clientID, clientSecret
	p.Scopes = []string{"openid", "profile", "email", "offline_access"}
	return p, nil
}
