//go:build demo

package tray

import (
	"context"
	"time"

	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/ui/accounts"
)

// demoProviderID is the demo provider's ID: the start screen offers it
// with the real providers (a newcomer has no client ID for those).
const demoProviderID = accounts.DemoProviderID

// startDemo runs the local test authorization server and registers a "Demo
// provider" on it with 2-minute tokens, so that a newcomer with no account
// anywhere (and no internet) can connect, copy, watch a refresh, and
// disconnect. Its sign-in shows a consent page (Approve / Deny) as a real
// provider does. The server lives as long as the app: demo accounts from
// an earlier run need reconnecting.
func startDemo(ctx context.Context, app *accounts.App) (func(), error) {
	srv, err := authtest.Start(authtest.Config{AccessTokenLifespan: 2 * time.Minute, UserName: "Demo User",
		Consent: true, AppName: "Tokentray", ProviderName: "Demo provider"})
	if err != nil {
		return nil, err
	}
	p, err := accounts.DemoProvider(ctx, srv.URL, authtest.ClientID, authtest.ClientSecret)
	if err != nil {
		srv.Close()
		return nil, err
	}
	p.Name = "Demo provider (local test server)"
	if err := app.SaveProvider(ctx, p); err != nil {
		srv.Close()
		return nil, err
	}
	return srv.Close, nil
}
