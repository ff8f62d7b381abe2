package keeper

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
)

// ErrGrantEnded is Revoke finding that the provider had ended the
// account's grant already (Clio's refresh before deauthorizing was refused
// for good, or the keeper had found so: StatusReconnect): there was nothing
// left to revoke. It wraps the refresh's error.
var ErrGrantEnded = errors.New("the provider had already ended the grant: nothing left to revoke")

// clioRevokeMinValid is how long a Clio access token must stay good for
// the deauthorize request that carries it.
const clioRevokeMinValid = time.Minute

// Revoke tells the provider to end account id's access (RFC 7009, or
// Clio's deauthorize), holding the account's lock as a refresh does, so
// that no refresh replaces the token while it is being revoked. It leaves
// the account stored: Forget removes it.
//
// Clio ends only the access token it is sent, and answers 401 to an
// expired one: it is sent a live one. A token still good is sent as it is
// (a refresh would leave it live for whoever copied it); an expired one,
// or one about to expire, is refreshed first (EnsureFresh, outside the
// lock, which the refresh takes), and the refreshed token is sent.
//
// Errors: auth.ErrNoRevocation (the provider offers no way to revoke),
// ErrGrantEnded, "refresh before deauthorizing" wrapping the refresh's
// error, the provider's answer (*auth.Error), the store's (the keyring:
// store.ErrKeyringUnavailable when the token could not even be read).
func (k *Keeper) Revoke(ctx context.Context, id string) error {
	refresh, err := k.revokeLocked(ctx, id, true)
	if err != nil || !refresh {
		return err
	}
	_, err = k.EnsureFresh(ctx, id, clioRevokeMinValid)
	switch {
	case errors.Is(err, auth.ErrReconnectNeeded):
		// Clio's refresh tokens do not expire: one it no longer takes
		// means the grant was ended there (as removing the app in Clio
		// Manage does, with all its tokens).
		return fmt.Errorf("%w: %w", ErrGrantEnded, err)
	case err != nil:
		return fmt.Errorf("refresh before deauthorizing: %w", err)
	}
	_, err = k.revokeLocked(ctx, id, false)
	return err
}

// revokeLocked revokes the account's stored token under its lock. With
// mayRefresh, a Clio token that cannot carry a deauthorize is not sent:
// refresh reports that it is to be refreshed first.
func (k *Keeper) revokeLocked(ctx context.Context, id string, mayRefresh bool) (refresh bool, err error) {
	err = k.cfg.Tokens.Locked(ctx, id, func(tx AccountTx) error {
		acct, err := tx.Account()
		if err != nil {
			return err
		}
		p, err := k.cfg.Provider(ctx, acct)
		if err != nil {
			return err
		}
		tok, err := tx.LoadToken()
		if err != nil {
			return err
		}
		if mayRefresh && p.Revoke == auth.RevokeClio && k.clioNeedsRefresh(acct, tok) {
			refresh = true
			return nil
		}
		return auth.Revoke(ctx, k.cfg.HTTPClient, p, tok)
	})
	return refresh, err
}

// clioNeedsRefresh reports whether a Clio account's token must be
// refreshed before it can carry a deauthorize: its access token is gone,
// expired or about to expire, or the keeper found the grant ended (the
// refresh then says so).
func (k *Keeper) clioNeedsRefresh(acct store.Account, tok *oauth2.Token) bool {
	expiring := tok != nil && (tok.AccessToken == "" || auth.ExpiryKnown(tok) && tok.Expiry.Sub(k.cfg.Now()) < clioRevokeMinValid)
	return expiring || acct.Status == StatusReconnect
}
