package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/claude"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/accounts"
	"github.com/tokentray/tokentray/ui/words"
)

func cmdToken(ctx context.Context, e *env, args []string) error {
	fs := e.flags("token")
	minValid := fs.Duration("min-valid", 5*time.Minute, words.Mark("the token stays valid at least this long"))
	format := fs.String("format", "raw", words.Mark("raw, header, json or wrapper"))
	retryFor := fs.Duration("retry-for", defaultRetryFor, words.Mark("keep trying this long while the provider fails for a passing reason"))
	withRefresh := fs.Bool("include-refresh-token", false, words.Mark("let --format wrapper print the refresh token too"))
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return badUsage(words.L("token takes one account name"))
	}
	switch *format {
	case "raw", "header", "json":
		if *withRefresh {
			return badUsage(words.L("--include-refresh-token goes with --format wrapper only"))
		}
	case "wrapper":
		// Whatever refreshes with that refresh token ends Tokentray's copy
		// of the sign-in (the token rotates): the user must say so.
		if !*withRefresh {
			return badUsage(words.L("--format wrapper prints the account's refresh token, and anything that refreshes with it " +
				"ends Tokentray's copy of the sign-in; add --include-refresh-token if that is what you want"))
		}
	default:
		return badUsage(words.L("unknown --format “{{.Format}}”: want raw, header, json or wrapper", map[string]any{"Format": *format}))
	}
	tok, acct, err := e.patientToken(ctx, pos[0], *minValid, *format == "wrapper", *retryFor)
	if err != nil {
		return err
	}
	return writeToken(e.Out, *format, tok, acct)
}

// defaultRetryFor is how long token and exec keep trying by default: a
// script would rather wait a few seconds than fail on a provider's hiccup.
const defaultRetryFor = 15 * time.Second

// patientToken is freshToken, tried again with exponential backoff (and no
// sooner than the provider's Retry-After) while it fails for a passing
// reason, as long as the next try can start within patience; then the last
// failure is returned.
func (e *env) patientToken(ctx context.Context, name string, minValid time.Duration, withRefreshToken bool, patience time.Duration) (*auth.Token, store.Account, error) {
	deadline := time.Now().Add(patience)
	b := backoff.NewExponentialBackOff()
	for {
		tok, acct, err := e.freshToken(ctx, name, minValid, withRefreshToken)
		transient, after := accounts.Retryable(err)
		if err == nil || !transient {
			return tok, acct, err
		}
		wait := max(b.NextBackOff(), after)
		if time.Until(deadline) < wait {
			return nil, store.Account{}, err
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, store.Account{}, err
		}
	}
}

// freshToken finds the account by name and hands out its token through the
// keeper, with the account as it is after any refresh (scopes, extras).
// When the desktop app runs for the same store it is asked (it keeps the
// keyring's key already), unless the refresh token is wanted too, which
// the app never hands out.
func (e *env) freshToken(ctx context.Context, name string, minValid time.Duration, withRefreshToken bool) (*auth.Token, store.Account, error) {
	if !withRefreshToken && e.app == nil {
		if dir, err := e.f.ConfigDir(); err == nil {
			tok, acct, err := accounts.AskToken(ctx, dir, name, minValid)
			if !errors.Is(err, accounts.ErrNoTokenServer) {
				return tok, acct, err
			}
		}
	}
	app, err := e.accounts()
	if err != nil {
		return nil, store.Account{}, err
	}
	return app.FreshToken(ctx, name, minValid)
}

// writeToken prints exactly the token in the asked format, and a newline.
func writeToken(w io.Writer, format string, tok *auth.Token, acct store.Account) error {
	var err error
	switch format {
	case "raw":
		_, err = fmt.Fprintln(w, tok.AccessToken)
	case "header":
		_, err = fmt.Fprintln(w, "Authorization: Bearer "+tok.AccessToken)
	case "json":
		v := struct {
			AccessToken string   `json:"access_token"`
			ExpiresAt   string   `json:"expires_at,omitempty"`
			Scopes      []string `json:"scopes"`
		}{AccessToken: tok.AccessToken, Scopes: nonNil(acct.Scopes)}
		if auth.ExpiryKnown(tok) {
			v.ExpiresAt = tok.Expiry.UTC().Format(time.RFC3339)
		}
		err = json.NewEncoder(w).Encode(v)
	case "wrapper":
		// The oauth_credentials object of the Claude wrapper API.
		err = json.NewEncoder(w).Encode(claude.Wrapper{
			AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken,
			ExpiresAt: tok.Expiry.UnixMilli(), Scopes: nonNil(acct.Scopes),
			SubscriptionType: acct.Extra["subscription_type"],
		})
	}
	return err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
