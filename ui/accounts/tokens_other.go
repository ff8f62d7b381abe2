//go:build !linux

package accounts

import (
	"context"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
)

// TokenEndpoint: there is none on this OS (the command line gets its
// tokens itself).
type TokenEndpoint struct{}

// ListenTokens makes an endpoint that serves nothing.
func (a *App) ListenTokens() (*TokenEndpoint, error) { return &TokenEndpoint{}, nil }

// Serve waits for ctx and returns nil.
func (*TokenEndpoint) Serve(ctx context.Context) error {
	<-ctx.Done()
	return nil
}

// AskToken always says ErrNoTokenServer on this OS.
func AskToken(context.Context, string, string, time.Duration) (*auth.Token, store.Account, error) {
	return nil, store.Account{}, ErrNoTokenServer
}
