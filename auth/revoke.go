package auth

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"golang.org/x/oauth2"
)

// ErrNoRevocation is Revoke's answer for a provider that offers no way to
// end a grant (Anthropic; a provider whose metadata names no revocation
// endpoint): nothing was sent, and the provider was not told. The caller
// forgets the tokens locally either way, and says so.
var ErrNoRevocation = errors.New("the provider offers no way to revoke access")

// Revoke tells the provider to forget tok: Clio's /oauth/deauthorize (Bearer
// + token), or RFC 7009 revocation of the refresh token and then the access
// token; ErrNoRevocation for a provider without a revocation endpoint.
func Revoke(ctx context.Context, client *http.Client, p Provider, tok *oauth2.Token) error {
	client = httpClient(client)
	if p.RevokeURL == "" && p.Issuer != "" {
		dctx, cancel := context.WithTimeout(ctx, discoveryTimeout)
		p = p.completed(dctx, client)
		cancel()
	}
	if tok == nil {
		return nil
	}
	if p.RevokeURL == "" || p.Revoke == RevokeNone {
		return ErrNoRevocation
	}
	switch p.Revoke {
	case RevokeClio:
		if tok.AccessToken == "" {
			return nil
		}
		req, err := postForm(ctx, p.RevokeURL, url.Values{"token": {tok.AccessToken}})
		if err != nil {
			return &Error{Kind: KindMisconfigured, Op: "revoke", Err: err}
		}
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		if _, err := do(client, req); err != nil {
			return classify("revoke", err)
		}
		return nil
	default:
		for _, t := range []struct{ value, hint string }{
			{tok.RefreshToken, "refresh_token"}, {tok.AccessToken, "access_token"},
		} {
			if t.value == "" {
				continue
			}
			form := url.Values{"token": {t.value}, "token_type_hint": {t.hint}}
			useBasic := p.ClientSecret != "" && p.Endpoint.AuthStyle == oauth2.AuthStyleInHeader
			if !useBasic {
				form.Set("client_id", p.ClientID)
				if p.ClientSecret != "" {
					form.Set("client_secret", p.ClientSecret)
				}
			}
			req, err := postForm(ctx, p.RevokeURL, form)
			if err != nil {
				return &Error{Kind: KindMisconfigured, Op: "revoke", Err: err}
			}
			if useBasic {
				req.SetBasicAuth(url.QueryEscape(p.ClientID), url.QueryEscape(p.ClientSecret))
			}
			if _, err := do(client, req); err != nil {
				return classify("revoke", err)
			}
		}
		return nil
	}
}
