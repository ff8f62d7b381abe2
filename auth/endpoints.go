package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/oauth2"
)

// Identity names the person behind an account.
type Identity struct {
	Subject string `json:"subject,omitempty"`
	Name    string `json:"name,omitempty"`
	Email   string `json:"email,omitempty"`
}

// Label is the best short name for the account: the name, else the email,
// else the subject.
func (id Identity) Label() string {
	for _, s := range []string{id.Name, id.Email, id.Subject} {
		if s != "" {
			return s
		}
	}
	return ""
}

// FetchIdentity asks the provider who the token belongs to: Clio's who_am_i
// (data.name) or OIDC userinfo (name, email, sub). A provider without an
// identity endpoint gets an empty Identity and no error.
func FetchIdentity(ctx context.Context, client *http.Client, p Provider, tok *oauth2.Token) (Identity, error) {
	if p.IdentityURL == "" || p.Identity == IdentityNone {
		return Identity{}, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.IdentityURL, nil)
	if err != nil {
		return Identity{}, &Error{Kind: KindMisconfigured, Op: "identity", Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Accept", "application/json")
	data, err := do(httpClient(client), req)
	if err != nil {
		return Identity{}, classify("identity", err)
	}
	var id Identity
	switch p.Identity {
	case IdentityClio:
		var v struct {
			Data struct {
				ID   json.Number `json:"id"`
				Name string      `json:"name"`
			} `json:"data"`
		}
		err = json.Unmarshal(data, &v)
		id = Identity{Subject: v.Data.ID.String(), Name: v.Data.Name}
	default:
		var v struct {
			Sub               string `json:"sub"`
			Name              string `json:"name"`
			Email             string `json:"email"`
			PreferredUsername string `json:"preferred_username"`
		}
		err = json.Unmarshal(data, &v)
		id = Identity{Subject: v.Sub, Name: v.Name, Email: v.Email}
		if id.Email == "" && strings.Contains(v.PreferredUsername, "@") {
			id.Email = v.PreferredUsername
		}
	}
	if err != nil {
		return Identity{}, classify("identity", fmt.Errorf("parse identity: %w", err))
	}
	return id, nil
}

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

// discoveryDoc is the part of an OIDC discovery document or RFC 8414
// authorization server metadata that Tokentray uses.
type discoveryDoc struct {
	Issuer                string   `json:"issuer"`
	AuthorizationEndpoint string   `json:"authorization_endpoint"`
	TokenEndpoint         string   `json:"token_endpoint"`
	RevocationEndpoint    string   `json:"revocation_endpoint"`
	UserinfoEndpoint      string   `json:"userinfo_endpoint"`
	AuthMethods           []string `json:"token_endpoint_auth_methods_supported"`
	PKCEMethods           []string `json:"code_challenge_methods_supported"`
	Scopes                []string `json:"scopes_supported"`
}

// Discover builds a provider from an issuer URL: OIDC discovery
// (issuer + /.well-known/openid-configuration), then RFC 8414 §3
// (/.well-known/oauth-authorization-server inserted before the issuer's
// path). The issuer in the document must match. The result is a Generic
// provider with the endpoints filled in; set ClientID (and ClientSecret).
func Discover(ctx context.Context, client *http.Client, issuer string) (Provider, error) {
	issuer = strings.TrimRight(issuer, "/")
	u, err := url.Parse(issuer)
	if err != nil || !SafeURL(issuer) {
		return Provider{}, &Error{Kind: KindMisconfigured, Op: "discover", Err: fmt.Errorf("issuer %q is not https (http only to this machine)", issuer)}
	}
	rfc8414 := *u
	rfc8414.Path = "/.well-known/oauth-authorization-server" + u.Path
	var lastErr error
	for _, docURL := range []string{issuer + "/.well-known/openid-configuration", rfc8414.String()} {
		doc, err := fetchDiscovery(ctx, httpClient(client), docURL)
		if err != nil {
			lastErr = err
			continue
		}
		if strings.TrimRight(doc.Issuer, "/") != issuer {
			lastErr = fmt.Errorf("discovery document names issuer %q, not %q", doc.Issuer, issuer)
			continue
		}
		if doc.AuthorizationEndpoint == "" || doc.TokenEndpoint == "" {
			lastErr = errors.New("discovery document lacks authorization or token endpoint")
			continue
		}
		if !SafeURL(doc.AuthorizationEndpoint) || !SafeURL(doc.TokenEndpoint) {
			lastErr = errors.New("discovery document names an endpoint that is not https")
			continue
		}
		p := Generic(doc.AuthorizationEndpoint, doc.TokenEndpoint)
		p.Issuer = issuer
		p.OIDC = strings.HasSuffix(docURL, "openid-configuration")
		if p.OIDC {
			p.Scopes = []string{"openid", "profile", "email", "offline_access"}
		}
		p.applyDiscovery(doc)
		return p, nil
	}
	return Provider{}, classify("discover", lastErr)
}

// SafeURL reports whether s is an address tokens may be sent to: https, or
// http to this machine (127.0.0.1, [::1], localhost).
func SafeURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return false
	}
	if u.Scheme == "https" {
		return true
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	return u.Scheme == "http" && (host == "localhost" || ip != nil && ip.IsLoopback())
}

// applyDiscovery fills the optional endpoints a document offers (https
// only), without overriding ones already set.
func (p *Provider) applyDiscovery(doc discoveryDoc) {
	if p.IdentityURL == "" && SafeURL(doc.UserinfoEndpoint) {
		p.Identity, p.IdentityURL = IdentityUserinfo, doc.UserinfoEndpoint
	}
	if p.RevokeURL == "" && SafeURL(doc.RevocationEndpoint) {
		p.Revoke, p.RevokeURL = RevokeRFC7009, doc.RevocationEndpoint
	}
	if len(doc.AuthMethods) > 0 && !slices.Contains(doc.AuthMethods, "client_secret_post") && slices.Contains(doc.AuthMethods, "client_secret_basic") {
		p.Endpoint.AuthStyle = oauth2.AuthStyleInHeader
	}
}

// completed returns p with its optional endpoints (userinfo, revocation)
// discovered from Issuer when they are missing. Discovery failing is not an
// error: the provider works without them.
func (p Provider) completed(ctx context.Context, client *http.Client) Provider {
	if p.Issuer == "" || (p.IdentityURL != "" && p.RevokeURL != "") {
		return p
	}
	doc, err := fetchDiscovery(ctx, httpClient(client), strings.TrimRight(p.Issuer, "/")+"/.well-known/openid-configuration")
	if err != nil || strings.TrimRight(doc.Issuer, "/") != strings.TrimRight(p.Issuer, "/") {
		return p
	}
	style := p.Endpoint.AuthStyle
	p.applyDiscovery(doc)
	p.Endpoint.AuthStyle = style // a preset's explicit style wins
	return p
}

func fetchDiscovery(ctx context.Context, client *http.Client, docURL string) (discoveryDoc, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, docURL, nil)
	if err != nil {
		return discoveryDoc{}, err
	}
	req.Header.Set("Accept", "application/json")
	data, err := do(client, req)
	if err != nil {
		return discoveryDoc{}, err
	}
	var doc discoveryDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return discoveryDoc{}, fmt.Errorf("parse discovery document: %w", err)
	}
	return doc, nil
}

func postForm(ctx context.Context, target string, form url.Values) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req, nil
}

// do sends req and returns the body, at most maxResponse bytes; a non-2xx
// status is an *oauth2.RetrieveError.
func do(client *http.Client, req *http.Request) ([]byte, error) {
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, retrieveError(resp, data)
	}
	return data, nil
}
