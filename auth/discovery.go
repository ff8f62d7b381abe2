package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/oauth2"
)

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
