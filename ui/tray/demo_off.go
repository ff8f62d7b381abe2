//go:build !demo

package tray

import (
	"context"

	"github.com/tokentray/tokentray/ui/accounts"
)

// demoProviderID is empty in the release build: there is no demo provider
// for the start screen to offer.
const demoProviderID = ""

// startDemo is a no-op in the release build: the demo provider and its
// local authorization server (fosite) are built only with -tags demo.
func startDemo(context.Context, *accounts.App) (func(), error) { return func() {}, nil }
