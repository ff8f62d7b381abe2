package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Token is an OAuth token as Tokentray keeps it: access token, refresh
// token, expiry, and the extras of the answer (scopes, Anthropic's
// subscription type). It is golang.org/x/oauth2's, named here so that the
// app's other layers deal in auth's types and never import the OAuth
// client themselves.
type Token = oauth2.Token

// Exchange trades an authorization code for tokens (RFC 6749 §4.1.3, with the
// RFC 7636 code_verifier). redirectURL must be the one sent in the
// authorization request. Errors are *Error: invalid_grant (expired, reused or
// wrong code or verifier) is KindReconnect.
func Exchange(ctx context.Context, client *http.Client, p Provider, redirectURL, code, verifier string) (*oauth2.Token, error) {
	if p.Dialect == DialectJSON {
		return nil, &Error{Kind: KindMisconfigured, Op: "exchange", Err: errors.New("provider has no authorization-code flow")}
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, httpClient(client))
	tok, err := p.oauth2Config(redirectURL).Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, classify("exchange", err)
	}
	return saneExpiry(tok, time.Now()), nil
}

// Refresh uses tok's refresh token to get a new access token (RFC 6749 §6),
// in the provider's dialect. The result always carries a refresh token: the
// new one when the provider rotated it, else the old one. Errors are *Error:
// KindReconnect when the grant is gone, KindTransient when trying later may
// work (with RetryAfter when the server sent one).
//
// Callers must persist a rotated refresh token (see Rotated) before using or
// reporting the new access token: the old one may already be dead.
func Refresh(ctx context.Context, client *http.Client, p Provider, tok *oauth2.Token) (*oauth2.Token, error) {
	if tok == nil || tok.RefreshToken == "" {
		return nil, &Error{Kind: KindReconnect, Op: "refresh", Err: errors.New("no refresh token")}
	}
	var (
		nt  *oauth2.Token
		err error
	)
	if p.Dialect == DialectJSON {
		nt, err = refreshJSON(ctx, httpClient(client), p, tok.RefreshToken)
	} else {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, httpClient(client))
		// A source seeded with only the refresh token always refreshes.
		nt, err = p.oauth2Config("").TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	}
	if err != nil {
		return nil, classify("refresh", err)
	}
	if nt.RefreshToken == "" {
		nt.RefreshToken = tok.RefreshToken
	}
	return saneExpiry(nt, time.Now()), nil
}

// maxLifetime is the longest token lifetime a response is believed; a
// longer or negative one is taken as unknown. It keeps every lifetime within
// a time.Duration and every expiry within what JSON can store.
const maxLifetime = 10 * 365 * 24 * time.Hour

// saneExpiry drops an expires_in that is negative or beyond maxLifetime,
// and replaces an expiry already past or beyond it (expires_at in seconds
// where milliseconds were due, an overflow) by one counted from expires_in,
// or none: a token whose expiry is unknown is checked by use.
func saneExpiry(tok *oauth2.Token, now time.Time) *oauth2.Token {
	if tok.ExpiresIn < 0 || tok.ExpiresIn > int64(maxLifetime/time.Second) {
		tok.ExpiresIn = 0
	}
	if !tok.Expiry.IsZero() && (!tok.Expiry.After(now) || tok.Expiry.After(now.Add(maxLifetime))) {
		tok.Expiry = time.Time{}
		if tok.ExpiresIn > 0 {
			tok.Expiry = now.Add(time.Duration(tok.ExpiresIn) * time.Second)
		}
	}
	return tok
}

// Rotated reports whether a refresh replaced the refresh token.
func Rotated(old, new *oauth2.Token) bool {
	return old != nil && new != nil && new.RefreshToken != "" && new.RefreshToken != old.RefreshToken
}

// ExpiryKnown reports whether the provider said when tok expires. A token
// response without expires_in (RFC 6749 §5.1 makes it optional) leaves
// Expiry zero, which golang.org/x/oauth2 would treat as "valid forever";
// Tokentray records it as unknown and verifies the token by use instead.
func ExpiryKnown(tok *oauth2.Token) bool {
	return tok != nil && !tok.Expiry.IsZero()
}

// Scopes returns the scopes the token response granted ("scope", space
// separated, or Anthropic's "scopes" array), or nil.
func Scopes(tok *oauth2.Token) []string {
	if tok == nil {
		return nil
	}
	switch v := tok.Extra("scopes").(type) {
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, s := range v {
			if s, ok := s.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	if s, ok := tok.Extra("scope").(string); ok {
		return strings.Fields(s)
	}
	return nil
}

// jsonTokenResponse is Anthropic's token response; expires_at is in
// milliseconds since the epoch.
type jsonTokenResponse struct {
	AccessToken      string          `json:"access_token"`
	RefreshToken     string          `json:"refresh_token"`
	TokenType        string          `json:"token_type"`
	ExpiresIn        int64           `json:"expires_in"`
	ExpiresAt        int64           `json:"expires_at"`
	Scopes           json.RawMessage `json:"scopes"`
	Scope            string          `json:"scope"`
	SubscriptionType string          `json:"subscription_type"`
}

// refreshJSON is the JSON-body refresh. It returns *oauth2.RetrieveError on
// an error status, like x/oauth2, so classify treats both dialects alike.
func refreshJSON(ctx context.Context, client *http.Client, p Provider, refreshToken string) (*oauth2.Token, error) {
	body := map[string]string{"grant_type": "refresh_token", "refresh_token": refreshToken}
	if p.ClientID != "" {
		body["client_id"] = p.ClientID
	}
	buf, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.Endpoint.TokenURL, bytes.NewReader(buf))
	if err != nil {
		return nil, &Error{Kind: KindMisconfigured, Op: "refresh", Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	data, err := do(client, req)
	if err != nil {
		return nil, err
	}
	var tr jsonTokenResponse
	if err := json.Unmarshal(data, &tr); err != nil {
		return nil, fmt.Errorf("parse token response: %w", err)
	}
	if tr.AccessToken == "" {
		return nil, errors.New("token response has no access_token")
	}
	tok := &oauth2.Token{AccessToken: tr.AccessToken, RefreshToken: tr.RefreshToken, TokenType: tr.TokenType, ExpiresIn: tr.ExpiresIn}
	switch {
	case tr.ExpiresAt > 0:
		tok.Expiry = time.UnixMilli(tr.ExpiresAt)
	case tr.ExpiresIn > 0:
		tok.Expiry = time.Now().Add(time.Duration(tr.ExpiresIn) * time.Second)
	}
	extra := map[string]any{}
	var scopes []string
	if len(tr.Scopes) > 0 && json.Unmarshal(tr.Scopes, &scopes) != nil {
		var s string
		if json.Unmarshal(tr.Scopes, &s) == nil {
			scopes = strings.Fields(s)
		}
	}
	if scopes == nil && tr.Scope != "" {
		scopes = strings.Fields(tr.Scope)
	}
	if scopes != nil {
		extra["scopes"] = scopes
	}
	if tr.SubscriptionType != "" {
		extra["subscription_type"] = tr.SubscriptionType
	}
	return tok.WithExtra(extra), nil
}

// retrieveError builds an *oauth2.RetrieveError from an error response,
// reading the RFC 6749 §5.2 fields when the body is JSON (Anthropic may nest
// them in an "error" object).
func retrieveError(resp *http.Response, body []byte) *oauth2.RetrieveError {
	re := &oauth2.RetrieveError{Response: resp, Body: body}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "application/json" {
		return re
	}
	var e struct {
		Error            json.RawMessage `json:"error"`
		ErrorDescription string          `json:"error_description"`
	}
	if json.Unmarshal(body, &e) != nil {
		return re
	}
	var code string
	if json.Unmarshal(e.Error, &code) != nil {
		var nested struct {
			Type string `json:"type"`
		}
		json.Unmarshal(e.Error, &nested) //nolint:errcheck // best effort
		code = nested.Type
	}
	re.ErrorCode = code
	re.ErrorDescription = e.ErrorDescription
	return re
}
