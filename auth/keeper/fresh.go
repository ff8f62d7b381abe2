package keeper

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/oauth2"
)

// EnsureFresh returns the account's access token, valid for at least
// minValid, refreshing it first when needed. A token whose whole lifetime is
// shorter than minValid is returned fresh from the provider.
//
// It never hands out a token that the scheduler is about to replace: some
// providers revoke the old access token on refresh, so a token is handed out
// only while it has minValid left before its own refresh is due (expiry −
// margin). Concurrent callers share one refresh; a caller that gives up
// (ctx) does not cut the refresh short. Errors: *auth.Error (KindReconnect
// when only reconnecting helps), store errors (keyring, unreadable),
// ErrClosed.
func (k *Keeper) EnsureFresh(ctx context.Context, id string, minValid time.Duration) (*oauth2.Token, error) {
	acct, err := k.cfg.Tokens.Account(id)
	if err != nil {
		return nil, err
	}
	if acct.Status == StatusReconnect && k.link(acct) == nil {
		// (A linked account may find a new sign-in in its file: refresh
		// looks.)
		return nil, errNeedsReconnect()
	}
	// The margin needs the provider's settings only: its client secret is
	// read by a refresh, if one is needed.
	p, err := k.cfg.ProviderSettings(ctx, acct)
	if err != nil {
		return nil, fmt.Errorf("provider of %s: %w", id, err)
	}
	need := minValid + k.margin(p, acct)
	tok, err := k.cfg.Tokens.LoadToken(ctx, id)
	if err != nil {
		return nil, err
	}
	if k.validFor(id, tok, acct, need) && k.link(acct) == nil {
		return tok, nil
	}
	// (A linked account's pair may have been renewed by the other program
	// since, which can end the access token stored here: refresh looks.)
	// A refresh already in flight may have been started for a smaller need
	// and adopt a token too short for this one: then one more round.
	for round := 0; ; round++ {
		tok, err = k.refreshShared(ctx, id, need)
		if err != nil || round == 1 || k.validFor(id, tok, acct, need) {
			return tok, err
		}
	}
}

// Renew returns a token for account id, valid for at least minValid, other
// than stale: the access token a service has just refused (401, or the
// Claude wrapper's "Invalid API key") although it looked valid. The
// provider is asked only if the stored token is still the refused one:
// callers that were refused the same token at once share one refresh, and
// a caller refused after another one renewed it gets the newer token.
func (k *Keeper) Renew(ctx context.Context, id, stale string, minValid time.Duration) (*oauth2.Token, error) {
	if _, err := k.cfg.Tokens.Account(id); err != nil {
		return nil, err
	}
	// A refresh already in flight (EnsureFresh's, say) may adopt the
	// refused token: then one more round, which sees it as stale.
	for round := 0; ; round++ {
		tok, err := k.renewShared(ctx, id, minValid, stale)
		if err != nil || round == 1 || tok.AccessToken != stale {
			return tok, err
		}
	}
}

// refreshShared runs one refresh per account at a time in this process; the
// callers wait for it or for their ctx.
func (k *Keeper) refreshShared(ctx context.Context, id string, minValid time.Duration) (*oauth2.Token, error) {
	return k.renewShared(ctx, id, minValid, "")
}

// renewShared is refreshShared for a token that must not be stale (see
// Renew); "" for none.
func (k *Keeper) renewShared(ctx context.Context, id string, minValid time.Duration, stale string) (*oauth2.Token, error) {
	ch := k.sf.DoChan(id, func() (any, error) { return k.refresh(id, minValid, stale) })
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*oauth2.Token), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
