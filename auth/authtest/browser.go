package authtest

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"
)

// Page is what the headless browser stand-in ended on.
type Page struct {
	URL    string // after redirects
	Status int
	Title  string // the <title>, unescaped
}

var titleRE = regexp.MustCompile(`(?is)<title>(.*?)</title>`)

// ActAsBrowser makes a test binary the user's browser when a launcher script
// runs it with TOKENTRAY_ROLE=browser and the sign-in URL: it visits the URL
// (see Visit) and exits, 0 if the visit succeeded. Otherwise it returns at
// once. Call it first in TestMain.
func ActAsBrowser() {
	if os.Getenv("TOKENTRAY_ROLE") != "browser" || len(os.Args) < 2 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	_, err := Visit(ctx, os.Args[1])
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "browser:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// Visit is a headless stand-in for the user's browser: it GETs u and
// follows redirects (to the loopback listener too), as a browser would
// after the user approved, and returns the final page. On a consent page
// (Config.Consent) it clicks Approve: it submits the page's form as a
// browser does (see approveConsent). A redirect off this machine (to an
// https page registered with the provider, such as LandingPage) is not
// followed: the visit ends there, with Page.URL that address, as the
// browser's address bar would show it, and Status the redirect's.
func Visit(ctx context.Context, u string) (Page, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return Page{}, err
	}
	client := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(next *http.Request, via []*http.Request) error {
		if !onThisMachine(next.URL.Hostname()) {
			return http.ErrUseLastResponse
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}}
	resp, body, err := fetch(client, req)
	for clicks := 0; err == nil && clicks < 3; clicks++ {
		var next *http.Request
		if next, err = approveConsent(ctx, resp, body); next == nil {
			break
		}
		resp, body, err = fetch(client, next)
	}
	if err != nil {
		return Page{}, err
	}
	p := Page{URL: resp.Request.URL.String(), Status: resp.StatusCode}
	if loc, err := resp.Location(); err == nil && resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return Page{URL: loc.String(), Status: resp.StatusCode}, nil // landed off this machine
	}
	if m := titleRE.FindSubmatch(body); m != nil {
		p.Title = strings.TrimSpace(html.UnescapeString(string(m[1])))
	}
	return p, nil
}

// fetch does req and reads the answer's body (up to 1 MiB), closing it.
func fetch(client *http.Client, req *http.Request) (*http.Response, []byte, error) {
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", resp.Request.URL.Redacted(), err)
	}
	return resp, body, nil
}

var (
	formRE   = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	inputRE  = regexp.MustCompile(`(?is)<input\b([^>]*)>`)
	buttonRE = regexp.MustCompile(`(?is)<button\b([^>]*)>(.*?)</button>`)
	attrRE   = regexp.MustCompile(`([a-zA-Z][-a-zA-Z0-9_:.]*)(?:\s*=\s*"([^"]*)")?`)
	tagRE    = regexp.MustCompile(`<[^>]*>`)
)

// attrs reads a tag's attributes, written name="value" or bare.
func attrs(tag string) map[string]string {
	m := map[string]string{}
	for _, a := range attrRE.FindAllStringSubmatch(tag, -1) {
		m[strings.ToLower(a[1])] = html.UnescapeString(a[2])
	}
	return m
}

// approveConsent returns the request a browser sends when the user clicks
// the button labelled Approve on the page resp and body are, or nil if the
// page has none: the form's method and action (resolved against the page's
// address), its hidden inputs, and the button's name and value.
func approveConsent(ctx context.Context, resp *http.Response, body []byte) (*http.Request, error) {
	if resp.StatusCode != http.StatusOK {
		return nil, nil
	}
	for _, f := range formRE.FindAllSubmatch(body, -1) {
		form := attrs(string(f[1]))
		var button map[string]string
		for _, b := range buttonRE.FindAllSubmatch(f[2], -1) {
			if label := html.UnescapeString(tagRE.ReplaceAllString(string(b[2]), "")); strings.TrimSpace(label) == "Approve" {
				button = attrs(string(b[1]))
				break
			}
		}
		if button == nil {
			continue
		}
		values := url.Values{}
		for _, in := range inputRE.FindAllSubmatch(f[2], -1) {
			if a := attrs(string(in[1])); strings.EqualFold(a["type"], "hidden") && a["name"] != "" {
				values.Add(a["name"], a["value"])
			}
		}
		if button["name"] != "" {
			values.Add(button["name"], button["value"])
		}
		action, err := resp.Request.URL.Parse(form["action"]) // "" is the page itself
		if err != nil {
			return nil, fmt.Errorf("consent form action: %w", err)
		}
		if !strings.EqualFold(form["method"], http.MethodPost) {
			action.RawQuery = values.Encode()
			return http.NewRequestWithContext(ctx, http.MethodGet, action.String(), nil)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, action.String(), strings.NewReader(values.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req, nil
	}
	return nil, nil
}

// onThisMachine reports whether host is a loopback name or address.
func onThisMachine(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

// Authorize runs the consent step for clientID (approving on a consent
// page) without following the redirect and returns the code it carries. challenge is the RFC 7636 S256
// code challenge; use Challenge to make one.
func (s *Server) Authorize(ctx context.Context, clientID, redirectURI, challenge string, scopes ...string) (string, error) {
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {clientID},
		"redirect_uri":          {redirectURI},
		"scope":                 {strings.Join(scopes, " ")},
		"state":                 {"authtest-state-0123456789"},
		"code_challenge":        {challenge},
		"code_challenge_method": {"S256"},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+PathAuthorize+"?"+q.Encode(), nil)
	if err != nil {
		return "", err
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, body, err := fetch(client, req)
	if err != nil {
		return "", err
	}
	if next, err := approveConsent(ctx, resp, body); err != nil {
		return "", err
	} else if next != nil { // a consent page: Approve
		if resp, _, err = fetch(client, next); err != nil {
			return "", err
		}
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		return "", fmt.Errorf("authtest: authorize answered %d without a code", resp.StatusCode)
	}
	return loc.Query().Get("code"), nil
}

// Challenge returns the S256 code challenge of verifier (RFC 7636 §4.2).
func Challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// Tokens is a token response.
type Tokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int64  `json:"expires_in"`
	Scope        string `json:"scope"`
}

// IssueTokens runs a whole authorization-code flow for the public client and
// returns its tokens: the credentials a user would import (Anthropic).
func (s *Server) IssueTokens(ctx context.Context, scopes ...string) (Tokens, error) {
	verifier := randomString(32)
	const redirect = "http://127.0.0.1:9/callback"
	code, err := s.Authorize(ctx, PublicClientID, redirect, Challenge(verifier), scopes...)
	if err != nil {
		return Tokens{}, err
	}
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {redirect},
		"client_id":     {PublicClientID},
		"code_verifier": {verifier},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+PathToken, strings.NewReader(form.Encode()))
	if err != nil {
		return Tokens{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return Tokens{}, err
	}
	defer resp.Body.Close()
	var t Tokens
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&t); err != nil {
		return Tokens{}, fmt.Errorf("authtest: token response: %w", err)
	}
	if resp.StatusCode != http.StatusOK || t.AccessToken == "" {
		return Tokens{}, errors.New("authtest: token request failed: " + resp.Status)
	}
	return t, nil
}
