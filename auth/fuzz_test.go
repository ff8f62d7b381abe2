package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// Fuzz targets for every parser of outside input in package auth (the
// approval title/URL/paste one is FuzzParseApproval). Run them with
// make fuzz; their seed corpora are in testdata/fuzz.

const fuzzState = "st4te-0123456789abcdefghijklmnopqrstuvwxyzABCD"

// FuzzCallback: whatever query the browser (or another program on this
// machine) sends to the loopback listener, the answer is one of the fixed
// pages, and a result is delivered only with the right state.
func FuzzCallback(f *testing.F) {
	f.Add("code=abc&state=" + fuzzState)
	f.Add("error=access_denied&state=" + fuzzState)
	f.Add("error=access_denied&error_description=%3Cscript%3Ealert(1)%3C/script%3E&state=" + fuzzState)
	f.Add("code=abc&state=wrong")
	f.Add("state=" + fuzzState)
	f.Add("code=%3Cimg+src=x%3E&state=" + fuzzState + "&state=x")
	f.Add("code=abc;state=" + fuzzState)
	f.Add("%zz&code=&state=" + fuzzState)
	pages := map[string]bool{}
	for _, p := range []Page{PageApproved, PageNotThisSignIn, failedPage(KindDeclined), failedPage(KindMisconfigured)} {
		rec := httptest.NewRecorder()
		writePage(rec, 200, English.page(p))
		pages[rec.Body.String()] = true
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f.Fuzz(func(t *testing.T, rawQuery string) {
		var got []callbackResult
		h := callbackHandler(fuzzState, log, func(r callbackResult) { got = append(got, r) })
		req := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/callback", RawQuery: rawQuery},
			Header: http.Header{}, RemoteAddr: "127.0.0.1:1"}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)

		if !pages[rec.Body.String()] {
			t.Fatalf("the answer is not one of the fixed pages: %q", rec.Body.String())
		}
		if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
			t.Fatalf("status %d", rec.Code)
		}
		if !strings.Contains(rec.Header().Get("Content-Security-Policy"), "default-src 'none'") {
			t.Fatal("no CSP")
		}
		q := req.URL.Query()
		switch {
		case len(got) > 1:
			t.Fatalf("%d results from one request", len(got))
		case len(got) == 1 && q.Get("state") != fuzzState:
			t.Fatalf("a result delivered with state %q", q.Get("state"))
		case len(got) == 1 && got[0].err == nil && (got[0].code == "" || got[0].code != q.Get("code")):
			t.Fatalf("delivered code %q for query code %q", got[0].code, q.Get("code"))
		case len(got) == 1 && got[0].err != nil && q.Get("error") == "":
			t.Fatal("an error delivered without error=")
		case len(got) == 0 && rec.Code == http.StatusOK:
			t.Fatal("200 but nothing delivered")
		}
	})
}

// answer is an http.RoundTripper that answers every request the same.
type answer struct {
	status      int
	contentType string
	body        []byte
}

func (a answer) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		r.Body.Close()
	}
	return &http.Response{
		StatusCode: a.status, Status: http.StatusText(a.status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": {a.contentType}},
		Body:    io.NopCloser(bytes.NewReader(a.body)),
		Request: r, ContentLength: int64(len(a.body)),
	}, nil
}

// FuzzTokenResponse: any answer to a refresh, in either dialect (form
// token endpoint through x/oauth2, Anthropic's JSON one), gives either a
// usable token or a typed error with a plain message — never a panic, a
// token without an access token, or a lost refresh token.
func FuzzTokenResponse(f *testing.F) {
	f.Add(false, 200, "application/json", []byte(`{"access_token":"a","token_type":"bearer","expires_in":3600,"refresh_token":"r2"}`))
	f.Add(false, 200, "application/json", []byte(`{"access_token":"a","expires_in":"3600"}`))
	f.Add(false, 200, "application/x-www-form-urlencoded", []byte(`access_token=a&expires_in=60&refresh_token=r2&scope=x+y`))
	f.Add(false, 200, "text/plain", []byte(`access_token=a&expires_in=-1`))
	f.Add(false, 400, "application/json", []byte(`{"error":"invalid_grant","error_description":"revoked"}`))
	f.Add(false, 401, "application/json", []byte(`{"error":"invalid_client"}`))
	f.Add(false, 503, "text/html", []byte(`<html>busy</html>`))
	f.Add(false, 200, "application/json", []byte(`{"access_token":"a","expires_in":1e400}`))
	f.Add(true, 200, "application/json", []byte(`{"access_token":"a","refresh_token":"r2","expires_at":1767225600000,"expires_in":28800,"scopes":["user:inference"],"subscription_type":"max"}`))
	f.Add(true, 200, "application/json", []byte(`{"access_token":"a","expires_at":-9223372036854775808}`))
	f.Add(true, 200, "application/json", []byte(`{"access_token":"a","expires_at":"soon"}`))
	f.Add(true, 401, "application/json", []byte(`{"error":{"type":"authentication_error","message":"Invalid API key"}}`))
	f.Add(true, 429, "application/json", []byte(`{}`))
	f.Fuzz(func(t *testing.T, jsonDialect bool, status int, contentType string, body []byte) {
		if status < 100 || status > 999 {
			return // not an HTTP status line a server could send
		}
		p := Generic("http://127.0.0.1:1/authorize", "http://127.0.0.1:1/token")
		p.ClientID = "client"
		if jsonDialect {
			p.Dialect = DialectJSON
		}
		client := &http.Client{Transport: answer{status, contentType, body}}
		old := &oauth2.Token{AccessToken: "old-access", RefreshToken: "old-refresh"}
		tok, err := Refresh(context.Background(), client, p, old)
		checkTokenResult(t, tok, err, body)
		if err == nil && tok.RefreshToken == "" {
			t.Fatal("the refresh token was lost")
		}
	})
}

func checkTokenResult(t *testing.T, tok *oauth2.Token, err error, body []byte) {
	t.Helper()
	if (tok == nil) == (err == nil) {
		t.Fatalf("token %v and error %v", tok != nil, err)
	}
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("untyped error %T: %v", err, err)
		}
		msg := Message(e)
		if msg == "" || (len(body) >= 12 && strings.Contains(msg, string(body))) {
			t.Fatalf("message %q", msg)
		}
		return
	}
	if tok.AccessToken == "" {
		t.Fatal("a token with no access token")
	}
	if _, err := json.Marshal(tok); err != nil {
		t.Fatalf("an accepted token cannot be stored: %v", err)
	}
	if ExpiryKnown(tok) && !tok.Expiry.After(time.Now().Add(-time.Minute)) {
		t.Fatalf("an accepted token expired already: expiry %v, expires_in %d", tok.Expiry, tok.ExpiresIn)
	}
	if tok.ExpiresIn < 0 || time.Duration(tok.ExpiresIn) > maxLifetime/time.Second {
		t.Fatalf("expires_in %d would overflow a lifetime", tok.ExpiresIn)
	}
}

// FuzzDiscovery: any discovery document gives a provider whose endpoints
// are all safe to send tokens to (https, or http on this machine), or a
// typed error.
func FuzzDiscovery(f *testing.F) {
	f.Add(200, []byte(`{"issuer":"https://id.example","authorization_endpoint":"https://id.example/a","token_endpoint":"https://id.example/t","userinfo_endpoint":"https://id.example/u","revocation_endpoint":"https://id.example/r","token_endpoint_auth_methods_supported":["client_secret_basic"]}`))
	f.Add(200, []byte(`{"issuer":"https://id.example/","authorization_endpoint":"https://id.example/a","token_endpoint":"http://evil.example/t"}`))
	f.Add(200, []byte(`{"issuer":"https://id.example","authorization_endpoint":"javascript:alert(1)","token_endpoint":"https://id.example/t","userinfo_endpoint":"http://id.example/u"}`))
	f.Add(200, []byte(`{"issuer":"https://other.example","authorization_endpoint":"https://id.example/a","token_endpoint":"https://id.example/t"}`))
	f.Add(404, []byte(`not found`))
	f.Add(200, []byte(`[]`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		client := &http.Client{Transport: answer{status, "application/json", body}}
		p, err := Discover(context.Background(), client, "https://id.example")
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || Message(e) == "" {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		for _, u := range []string{p.Endpoint.AuthURL, p.Endpoint.TokenURL} {
			if !SafeURL(u) {
				t.Fatalf("endpoint %q accepted", u)
			}
		}
		for _, u := range []string{p.IdentityURL, p.RevokeURL} {
			if u != "" && !SafeURL(u) {
				t.Fatalf("optional endpoint %q accepted", u)
			}
		}
	})
}

// FuzzIdentity: any answer of a userinfo or who_am_i endpoint gives an
// identity or a typed error.
func FuzzIdentity(f *testing.F) {
	f.Add(false, 200, []byte(`{"sub":"1","name":"Ann","email":"ann@example.test"}`))
	f.Add(true, 200, []byte(`{"data":{"id":1,"name":"Ann Lee","email":"ann@example.test"}}`))
	f.Add(true, 200, []byte(`{"data":null}`))
	f.Add(false, 401, []byte(`{"error":"invalid_token"}`))
	f.Fuzz(func(t *testing.T, clio bool, status int, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		p := Generic("http://127.0.0.1:1/a", "http://127.0.0.1:1/t")
		p.Identity, p.IdentityURL = IdentityUserinfo, "http://127.0.0.1:1/userinfo"
		if clio {
			p.Identity = IdentityClio
		}
		client := &http.Client{Transport: answer{status, "application/json", body}}
		id, err := FetchIdentity(context.Background(), client, p, &oauth2.Token{AccessToken: "a"})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		_ = id.Label()
	})
}
