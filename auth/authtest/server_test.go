package authtest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func postForm(t *testing.T, u string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body := map[string]any{}
	json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

func TestRevokeKillsTheGrant(t *testing.T) {
	s := NewServer(t, Config{})
	tok, err := s.IssueTokens(ctx(t), "openid")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Revoke(ctx(t), tok.RefreshToken); err != nil {
		t.Fatal(err)
	}
	status, body := postForm(t, s.URL+PathToken, url.Values{
		"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}, "client_id": {PublicClientID}})
	if status != http.StatusBadRequest || body["error"] != "invalid_grant" {
		t.Errorf("refresh after revoke: %d %v", status, body["error"])
	}
	if s.GrantCount("refresh_token") != 0 || s.GrantCount("authorization_code") != 1 {
		t.Errorf("grant counts: %d refresh, %d code", s.GrantCount("refresh_token"), s.GrantCount("authorization_code"))
	}
}

func TestAnthropicIsJSONOnly(t *testing.T) {
	s := NewServer(t, Config{})
	tok, err := s.IssueTokens(ctx(t), "user:inference")
	if err != nil {
		t.Fatal(err)
	}
	status, _ := postForm(t, s.URL+PathAnthropicToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}})
	if status != http.StatusUnsupportedMediaType {
		t.Errorf("form body: %d, want 415", status)
	}
	resp, err := http.Post(s.URL+PathAnthropicToken, "application/json",
		strings.NewReader(`{"grant_type":"refresh_token","refresh_token":"not-a-token"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unknown refresh token: %d, want 401", resp.StatusCode)
	}
}

func TestApprovalPageEscapes(t *testing.T) {
	s := NewServer(t, Config{})
	p, err := Visit(ctx(t), s.URL+PathClioApproval+"?code="+url.QueryEscape("</title><script>x</script>"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Success code=</title><script>x</script>" {
		t.Errorf("title = %q", p.Title)
	}
	p, _ = Visit(ctx(t), s.URL+PathClioApproval+"?error=access_denied")
	if p.Title != "Failure error=access_denied" {
		t.Errorf("title = %q", p.Title)
	}
}

// TestClioDeclineWithoutRedirect: Clio keeps a refusal on its own 400 page
// unless redirect_on_decline=true.
func TestClioDeclineWithoutRedirect(t *testing.T) {
	s := NewServer(t, Config{})
	s.SetDecision(Deny)
	q := url.Values{"response_type": {"code"}, "client_id": {ClientID}, "redirect_uri": {"http://127.0.0.1:9/callback"},
		"state": {"state-0123456789"}, "code_challenge": {Challenge("v")}, "code_challenge_method": {"S256"}}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(s.URL + PathClioAuthorize + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("decline without redirect_on_decline: %d, want 400", resp.StatusCode)
	}
	q.Set("redirect_on_decline", "true")
	resp, err = client.Get(s.URL + PathClioAuthorize + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if loc == nil || loc.Query().Get("error") != "access_denied" {
		t.Errorf("decline with redirect_on_decline: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestDiscoveryDocument(t *testing.T) {
	s := NewServer(t, Config{})
	for _, prefix := range []string{"", ClientCasaPrefix} {
		resp, err := http.Get(s.URL + prefix + "/.well-known/openid-configuration")
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		json.NewDecoder(resp.Body).Decode(&doc)
		resp.Body.Close()
		if doc["issuer"] != s.URL+prefix || doc["token_endpoint"] != s.URL+prefix+PathToken {
			t.Errorf("%q: %v", prefix, doc)
		}
	}
}

// TestClioDeauthorizeRefusesExpiredTokens: Clio's /oauth/deauthorize, like
// its API, answers 401 to an access token that has expired or that it never
// issued; a live one is deauthorized (200, no body), and only that one: the
// grant's refresh token still works.
func TestClioDeauthorizeRefusesExpiredTokens(t *testing.T) {
	s := NewServer(t, Config{})
	deauthorize := func(tok string) int {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx(t), http.MethodPost, s.URL+PathClioDeauthorize,
			strings.NewReader(url.Values{"token": {tok}}.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	expired, err := s.IssueTokens(ctx(t), "openid")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ExpireAccess(ctx(t), expired.AccessToken); err != nil {
		t.Fatal(err)
	}
	if s.Accepts(ctx(t), expired.AccessToken) {
		t.Fatal("the server still accepts an expired access token")
	}
	if code := deauthorize(expired.AccessToken); code != http.StatusUnauthorized {
		t.Errorf("deauthorize an expired token: %d, want 401", code)
	}
	if code := deauthorize("never-issued.token"); code != http.StatusUnauthorized {
		t.Errorf("deauthorize an unknown token: %d, want 401", code)
	}
	live, err := s.IssueTokens(ctx(t), "openid")
	if err != nil {
		t.Fatal(err)
	}
	if code := deauthorize(live.AccessToken); code != http.StatusOK || s.Accepts(ctx(t), live.AccessToken) {
		t.Errorf("deauthorize a live token: %d, still accepted %v", code, s.Accepts(ctx(t), live.AccessToken))
	}
	if !s.RefreshActive(ctx(t), live.RefreshToken) {
		t.Error("deauthorizing the access token ended the refresh token too")
	}
}
