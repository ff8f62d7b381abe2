package authtest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// noRedirect is a client that shows each answer as it comes.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// authorizeQuery is a valid authorization request for the public client.
func authorizeQuery(redirect, state string, scopes ...string) url.Values {
	return url.Values{
		"response_type":         {"code"},
		"client_id":             {PublicClientID},
		"redirect_uri":          {redirect},
		"scope":                 {strings.Join(scopes, " ")},
		"state":                 {state},
		"code_challenge":        {Challenge("consent-test-verifier-0123456789abcdefghijklmnop")},
		"code_challenge_method": {"S256"},
	}
}

// get GETs u without following redirects and returns the answer and its
// body.
func get(t *testing.T, u string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx(t), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// post POSTs form to u without following redirects.
func post(t *testing.T, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx(t), http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

var nonceRE = regexp.MustCompile(`<input type="hidden" name="consent" value="([0-9a-f]+)">`)

// consentNonce opens the consent page for q at path and returns its nonce.
func consentNonce(t *testing.T, s *Server, path string, q url.Values) string {
	t.Helper()
	resp, page := get(t, s.URL+path+"?"+q.Encode())
	m := nonceRE.FindStringSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("consent page: %d, no nonce in\n%s", resp.StatusCode, page)
	}
	return m[1]
}

// TestConsentPage: with Consent, the authorize endpoint shows a page that
// names the app, the provider and the user, says every requested scope in
// plain words (an unknown one as it is), has Approve (autofocused) and Deny,
// says it is a local test server, loads nothing from anywhere, and carries
// no secret; showing it issues no code.
func TestConsentPage(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		app  string
		head string
		user string
	}{
		{"defaults", Config{Consent: true}, "Tokentray", "Demo provider", "Demo User"},
		{"named", Config{Consent: true, AppName: "Acme Sync", ProviderName: "Test IdP", UserName: "Ada Lovelace"},
			"Acme Sync", "Test IdP", "Ada Lovelace"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewServer(t, tc.cfg)
			q := authorizeQuery("http://127.0.0.1:9/callback", "consent-state-0123456789",
				"openid", "profile", "email", "offline_access", "read:clients")
			resp, page := get(t, s.URL+PathAuthorize+"?"+q.Encode())
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Location") != "" {
				t.Fatalf("authorize: %d, Location %q; want the consent page", resp.StatusCode, resp.Header.Get("Location"))
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") ||
				!strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("Content-Security-Policy %q", csp)
			}
			for _, want := range []string{
				"<h1>" + tc.head + "</h1>",
				tc.app + " wants to access your " + tc.head + " account (" + tc.user + ").",
				"<li>Know who you are</li>",
				"<li>See your name</li>",
				"<li>See your e-mail address</li>",
				"<li>Stay signed in, so " + tc.app + " can renew access without asking you again</li>",
				"<li>read:clients</li>",
				`<form method="post" action="` + PathAuthorize + `">`,
				`<button type="submit" name="decision" value="approve" class="primary" autofocus>Approve</button>`,
				`<button type="submit" name="decision" value="deny">Deny</button>`,
				"local test server",
				"nothing you do here leaves the computer",
				"prefers-color-scheme:dark",
			} {
				if !strings.Contains(page, want) {
					t.Errorf("the page lacks %q:\n%s", want, page)
				}
			}
			for _, never := range []string{ClientSecret, "code=", "://", "src=", "<script", "@import", "url("} {
				if strings.Contains(page, never) {
					t.Errorf("the page contains %q", never)
				}
			}
			if n := strings.Count(page, "<li>"); n != 5 {
				t.Errorf("%d scopes listed, want 5", n)
			}
		})
	}
}

// loopback is a stand-in for Tokentray's loopback listener: it records
// the query the browser brought back.
func loopback(t *testing.T) (redirect string, got func() url.Values) {
	t.Helper()
	queries := make(chan url.Values, 1)
	lb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/callback" {
			queries <- r.URL.Query()
		}
		io.WriteString(w, "<!doctype html><title>back at the app</title>")
	}))
	t.Cleanup(lb.Close)
	return lb.URL + "/callback", func() url.Values {
		t.Helper()
		select {
		case q := <-queries:
			return q
		default:
			t.Fatal("the browser never came back to the loopback")
			return nil
		}
	}
}

// TestConsentApprove: Visit clicks Approve on the page; the browser comes
// back with a code (and the state) that exchanges for a token. IssueTokens
// (Authorize) gets through the page too.
func TestConsentApprove(t *testing.T) {
	s := NewServer(t, Config{Consent: true})
	redirect, got := loopback(t)
	q := authorizeQuery(redirect, "approve-state-0123456789", "openid", "offline_access")
	page, err := Visit(ctx(t), s.URL+PathAuthorize+"?"+q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if page.Title != "back at the app" {
		t.Fatalf("the visit ended on %q (%d), not back at the app", page.Title, page.Status)
	}
	back := got()
	if back.Get("state") != "approve-state-0123456789" || back.Get("code") == "" || back.Get("error") != "" {
		t.Fatalf("back at the loopback with state %q, error %q, a code: %v", back.Get("state"), back.Get("error"), back.Get("code") != "")
	}
	status, body := postForm(t, s.URL+PathToken, url.Values{
		"grant_type": {"authorization_code"}, "code": {back.Get("code")}, "redirect_uri": {redirect},
		"client_id": {PublicClientID}, "code_verifier": {"consent-test-verifier-0123456789abcdefghijklmnop"}})
	if status != http.StatusOK || body["access_token"] == nil || body["refresh_token"] == nil {
		t.Fatalf("exchange: %d, error %v", status, body["error"])
	}

	tok, err := s.IssueTokens(ctx(t), "openid")
	if err != nil || tok.AccessToken == "" {
		t.Fatalf("IssueTokens through the consent page: %v", err)
	}
	if n := s.GrantCount("authorization_code"); n != 2 {
		t.Errorf("%d codes exchanged, want 2", n)
	}
}

// TestConsentDeny: Deny sends the browser back with error=access_denied and
// the request's state, and no code; on Clio's endpoint only with
// redirect_on_decline=true, as Clio does, else Clio's own 400 page.
func TestConsentDeny(t *testing.T) {
	s := NewServer(t, Config{Consent: true})
	const redirect = "http://127.0.0.1:9/callback"
	nonce := consentNonce(t, s, PathAuthorize, authorizeQuery(redirect, "deny-state-0123456789", "openid"))
	resp, _ := post(t, s.URL+PathAuthorize, url.Values{ConsentField: {nonce}, DecisionField: {"deny"}})
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || err != nil || !strings.HasPrefix(loc.String(), redirect+"?") {
		t.Fatalf("deny: %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if q := loc.Query(); q.Get("error") != "access_denied" || q.Get("state") != "deny-state-0123456789" || q.Has("code") {
		t.Errorf("deny redirect query: %v", q)
	}

	clio := authorizeQuery(s.URL+PathClioApproval, "clio-state-0123456789", "openid")
	nonce = consentNonce(t, s, PathClioAuthorize, clio)
	resp, body := post(t, s.URL+PathClioAuthorize, url.Values{ConsentField: {nonce}, DecisionField: {"deny"}})
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" || !strings.Contains(body, "You have declined access.") {
		t.Errorf("Clio deny without redirect_on_decline: %d, Location %q, %q", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	clio.Set("redirect_on_decline", "true")
	nonce = consentNonce(t, s, PathClioAuthorize, clio)
	resp, _ = post(t, s.URL+PathClioAuthorize, url.Values{ConsentField: {nonce}, DecisionField: {"deny"}})
	loc, _ = url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || loc == nil || loc.Query().Get("error") != "access_denied" ||
		loc.Query().Get("state") != "clio-state-0123456789" {
		t.Errorf("Clio deny with redirect_on_decline: %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestConsentNeedsTheNonce: an answer approves only with the nonce of a
// pending request, on the endpoint that showed it, once. A cross-site form
// that resends the whole authorization request with decision=approve, a
// made-up or missing nonce, another endpoint's, a replay, and a request the
// server has forgotten are all refused, with no redirect.
func TestConsentNeedsTheNonce(t *testing.T) {
	s := NewServer(t, Config{Consent: true})
	const redirect = "http://127.0.0.1:9/callback"
	q := authorizeQuery(redirect, "nonce-state-0123456789", "openid")
	nonce := consentNonce(t, s, PathAuthorize, q)

	refused := func(what, path string, form url.Values) {
		t.Helper()
		resp, body := post(t, s.URL+path, form)
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" ||
			!strings.Contains(body, "This sign-in request is not known here") {
			t.Errorf("%s: %d, Location %q; want the 400 page", what, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	forged := url.Values{DecisionField: {"approve"}}
	for k, v := range q {
		forged[k] = v
	}
	refused("the authorization request without a nonce", PathAuthorize, forged)
	forged.Set(ConsentField, strings.Repeat("0", len(nonce)))
	refused("a made-up nonce", PathAuthorize, forged)
	refused("an empty nonce", PathAuthorize, url.Values{ConsentField: {""}, DecisionField: {"approve"}})
	refused("the nonce at Clio's endpoint", PathClioAuthorize, url.Values{ConsentField: {nonce}, DecisionField: {"approve"}})
	refused("no decision", PathAuthorize, url.Values{ConsentField: {nonce}})

	// The nonce still works, once.
	resp, _ := post(t, s.URL+PathAuthorize, url.Values{ConsentField: {nonce}, DecisionField: {"approve"}})
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || loc == nil || loc.Query().Get("code") == "" {
		t.Fatalf("approve: %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	refused("a replayed approval", PathAuthorize, url.Values{ConsentField: {nonce}, DecisionField: {"approve"}})
	refused("a replay as a denial", PathAuthorize, url.Values{ConsentField: {nonce}, DecisionField: {"deny"}})

	// The oldest of too many pending requests is forgotten.
	first := consentNonce(t, s, PathAuthorize, q)
	for range maxPending {
		consentNonce(t, s, PathAuthorize, q)
	}
	refused("a forgotten request", PathAuthorize, url.Values{ConsentField: {first}, DecisionField: {"approve"}})

	// Without Consent, the endpoint takes no POST at all.
	plain := NewServer(t, Config{})
	resp, _ = post(t, plain.URL+PathAuthorize, forged)
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Location") != "" {
		t.Errorf("POST without Consent: %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}
