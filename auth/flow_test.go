package auth_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
)

// env is one flow test's server, logs and store.
type env struct {
	t   *testing.T
	ctx context.Context
	srv *authtest.Server
	log *storetest.LogBuffer
	// browsers are the headless browser goroutines; the test waits for
	// them before it ends.
	browsers sync.WaitGroup
}

func newEnv(t *testing.T, cfg authtest.Config) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	e := &env{t: t, ctx: ctx, log: &storetest.LogBuffer{}}
	t.Cleanup(e.browsers.Wait)
	cfg.Logf = func(format string, args ...any) {
		fmt.Fprintf(e.log, format+"\n", args...)
	}
	e.srv = authtest.NewServer(t, cfg)
	return e
}

func (e *env) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// visit is the Open hook: the headless browser follows the authorization
// URL through consent and back to the loopback listener.
func (e *env) visit(authURL string) error {
	e.browse(func() {
		if _, err := authtest.Visit(e.ctx, authURL); err != nil {
			e.t.Errorf("browser: %v", err)
		}
	})
	return nil
}

// browse runs a headless browser session in a goroutine the test owns.
func (e *env) browse(f func()) {
	e.browsers.Add(1)
	go func() {
		defer e.browsers.Done()
		f()
	}()
}

func (e *env) connectOptions() auth.ConnectOptions {
	return auth.ConnectOptions{Open: e.visit, Logger: e.logger(), Timeout: 30 * time.Second}
}

// approvalOptions drives Clio's desktop path: the browser ends on the
// approval page, and its title, with a browser's suffix as a window title
// has, is fed to Connect as the title watcher will.
func (e *env) approvalOptions() auth.ConnectOptions {
	titles := make(chan string, 1)
	opts := e.connectOptions()
	opts.Approval = titles
	opts.Open = func(authURL string) error {
		e.browse(func() {
			page, err := authtest.Visit(e.ctx, authURL)
			if err != nil {
				e.t.Errorf("browser: %v", err)
				return
			}
			titles <- page.Title + " - Chromium"
		})
		return nil
	}
	return opts
}

// noSecretsIn fails if any token value appears in the logs or in the
// store's metadata file.
func (e *env) noSecretsIn(st *store.Store, toks ...*oauth2.Token) {
	e.t.Helper()
	meta, err := os.ReadFile(filepath.Join(st.Dir(), "accounts.json"))
	if err != nil {
		e.t.Fatalf("read metadata: %v", err)
	}
	logs := e.log.String()
	if logs == "" {
		e.t.Fatal("no log output captured; the check would prove nothing")
	}
	for _, tok := range toks {
		for _, v := range []string{tok.AccessToken, tok.RefreshToken} {
			if v == "" {
				continue
			}
			storetest.Secret(e.t, v)
			if strings.Contains(logs, v) {
				e.t.Errorf("a token appears in the log output")
			}
			if bytes.Contains(meta, []byte(v)) {
				e.t.Errorf("a token appears in the metadata file")
			}
		}
	}
}

func withClient(p auth.Provider, id, secret string) auth.Provider {
	p.ClientID, p.ClientSecret = id, secret
	return p
}

// save stores a connection as an account and returns its ID.
func save(t *testing.T, ctx context.Context, st *store.Store, c *auth.Connection) string {
	t.Helper()
	a := store.Account{
		ID: "acct-" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-")), Provider: c.Provider.ID,
		Name: c.Identity.Label(), Login: c.Identity.Email, Subject: c.Identity.Subject,
		Scopes: auth.Scopes(c.Token), Expiry: c.Token.Expiry, Connected: time.Now(),
	}
	err := st.Update(ctx, func(tx *store.Tx) error {
		if err := tx.SaveToken(a.ID, c.Token); err != nil {
			return err
		}
		return tx.PutAccount(a)
	})
	if err != nil {
		t.Fatalf("save account: %v", err)
	}
	return a.ID
}

// reopen opens the same directory as a second process would: a new Store
// that reads its key from the keyring again.
func reopen(t *testing.T, st *store.Store) *store.Store {
	t.Helper()
	st2, err := store.Open(store.Options{Dir: st.Dir(), Service: storetest.Service(t)})
	if err != nil {
		t.Fatalf("reopen store: %v", err)
	}
	return st2
}

func wantKind(t *testing.T, err error, k auth.Kind) *auth.Error {
	t.Helper()
	var ae *auth.Error
	if !errors.As(err, &ae) {
		t.Fatalf("error = %v (%T), want *auth.Error of kind %v", err, err, k)
	}
	if ae.Kind != k {
		t.Fatalf("error kind = %v (%v), want %v", ae.Kind, err, k)
	}
	if msg := auth.Message(ae); msg == "" || strings.Contains(msg, "oauth2:") {
		t.Errorf("Message() = %q: want a plain sentence", msg)
	}
	return ae
}

// TestConnectRefreshRevoke runs connect → exchange → identity → refresh →
// revoke for every preset dialect against the real server, through the real
// loopback listener (or Clio's approval page), with the tokens round-tripping
// through the session's gnome-keyring.
func TestConnectRefreshRevoke(t *testing.T) {
	cases := []struct {
		name     string
		provider func(e *env) auth.Provider
		approval bool // Clio's desktop path (approvalOptions)
		wantName string
		rotates  bool
	}{
		{
			name: "clio-loopback",
			provider: func(e *env) auth.Provider {
				p := auth.Clio("clio-test", "Clio (test)", e.srv.URL)
				p.Redirect = auth.RedirectLoopback
				return withClient(p, authtest.ClientID, authtest.ClientSecret)
			},
			wantName: "Demo User",
		},
		{
			name: "clio-approval",
			provider: func(e *env) auth.Provider {
				return withClient(auth.Clio("clio-test", "Clio (test)", e.srv.URL), authtest.ClientID, authtest.ClientSecret)
			},
			approval: true,
			wantName: "Demo User",
		},
		{
			name: "clientcasa",
			provider: func(e *env) auth.Provider {
				return withClient(auth.ClientCasa(e.srv.URL), authtest.ClientID, authtest.ClientSecret)
			},
			wantName: "Demo User",
			rotates:  true,
		},
		{
			name: "generic-discovery-basic-auth",
			provider: func(e *env) auth.Provider {
				p, err := auth.Discover(e.ctx, nil, e.srv.URL)
				if err != nil {
					e.t.Fatalf("discover: %v", err)
				}
				p.Endpoint.AuthStyle = oauth2.AuthStyleInHeader
				return withClient(p, authtest.ClientID, authtest.ClientSecret)
			},
			wantName: "Demo User",
			rotates:  true,
		},
		{
			name: "generic-public-client",
			provider: func(e *env) auth.Provider {
				p := auth.Generic(e.srv.URL+authtest.PathAuthorize, e.srv.URL+authtest.PathToken)
				p.Identity, p.IdentityURL = auth.IdentityUserinfo, e.srv.URL+authtest.PathUserinfo
				p.Revoke, p.RevokeURL = auth.RevokeRFC7009, e.srv.URL+authtest.PathRevoke
				p.RedirectHost = "[::1]"
				return withClient(p, authtest.PublicClientID, "")
			},
			wantName: "Demo User",
			rotates:  true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, authtest.Config{})
			st := storetest.Open(t)
			p := tc.provider(e)
			opts := e.connectOptions()
			if tc.approval {
				opts = e.approvalOptions()
			}
			conn, err := auth.Connect(e.ctx, p, opts)
			if err != nil {
				t.Fatalf("connect: %v", err)
			}
			if got := conn.Identity.Label(); got != tc.wantName {
				t.Errorf("identity = %q, want %q", got, tc.wantName)
			}
			if !auth.ExpiryKnown(conn.Token) {
				t.Error("expiry unknown; the server sent expires_in")
			}
			id := save(t, e.ctx, st, conn)

			// A second process reads the sealed token back.
			st2 := reopen(t, st)
			stored, err := st2.LoadToken(e.ctx, id)
			if err != nil {
				t.Fatalf("load token: %v", err)
			}
			if stored.AccessToken != conn.Token.AccessToken || stored.RefreshToken != conn.Token.RefreshToken {
				t.Fatal("the token read back differs from the one stored")
			}

			fresh, err := auth.Refresh(e.ctx, nil, conn.Provider, stored)
			if err != nil {
				t.Fatalf("refresh: %v", err)
			}
			if fresh.AccessToken == stored.AccessToken {
				t.Error("refresh returned the same access token")
			}
			if got := auth.Rotated(stored, fresh); got != tc.rotates {
				t.Errorf("Rotated = %v, want %v", got, tc.rotates)
			}
			if err := st2.Update(e.ctx, func(tx *store.Tx) error { return tx.SaveToken(id, fresh) }); err != nil {
				t.Fatalf("save refreshed token: %v", err)
			}
			if _, err := auth.FetchIdentity(e.ctx, nil, conn.Provider, fresh); err != nil {
				t.Fatalf("identity with the refreshed token: %v", err)
			}

			if err := auth.Revoke(e.ctx, nil, conn.Provider, fresh); err != nil {
				t.Fatalf("revoke: %v", err)
			}
			_, err = auth.FetchIdentity(e.ctx, nil, conn.Provider, fresh)
			wantKind(t, err, auth.KindReconnect)
			e.noSecretsIn(st, conn.Token, fresh)
		})
	}
}

// TestAnthropicImportRefresh: Anthropic has no browser flow; credentials
// issued elsewhere are stored, then refreshed with the JSON dialect: both
// tokens rotate, expires_at is milliseconds, a dead refresh token is a 401.
func TestAnthropicImportRefresh(t *testing.T) {
	e := newEnv(t, authtest.Config{AccessTokenLifespan: 8 * time.Hour})
	st := storetest.Open(t)
	issued, err := e.srv.IssueTokens(e.ctx, "user:inference", "user:profile")
	if err != nil {
		t.Fatal(err)
	}
	p := auth.Anthropic(e.srv.URL + authtest.PathAnthropicToken)
	old := &oauth2.Token{AccessToken: issued.AccessToken, RefreshToken: issued.RefreshToken, Expiry: time.Now().Add(-time.Minute)}
	id := save(t, e.ctx, st, &auth.Connection{Provider: p, Token: old})

	if _, err := auth.Connect(e.ctx, p, auth.ConnectOptions{Open: e.visit}); err == nil {
		t.Error("Connect on a provider without a browser flow succeeded")
	}

	stored, err := reopen(t, st).LoadToken(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := auth.Refresh(e.ctx, nil, p, stored)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if !auth.Rotated(stored, fresh) {
		t.Error("Anthropic refresh did not rotate the refresh token")
	}
	if d := time.Until(fresh.Expiry); d < 7*time.Hour || d > 9*time.Hour {
		t.Errorf("expiry in %v, want about 8h (expires_at read as milliseconds)", d)
	}
	if got := auth.Scopes(fresh); !slices.Equal(got, []string{"user:inference", "user:profile"}) {
		t.Errorf("scopes = %v", got)
	}
	if got := fresh.Extra("subscription_type"); got != "max" {
		t.Errorf("subscription_type = %v", got)
	}
	if err := st.Update(e.ctx, func(tx *store.Tx) error { return tx.SaveToken(id, fresh) }); err != nil {
		t.Fatal(err)
	}
	// The old refresh token is dead: 401 → reconnect.
	_, err = auth.Refresh(e.ctx, nil, p, stored)
	wantKind(t, err, auth.KindReconnect)
	storetest.Secret(t, issued.AccessToken, issued.RefreshToken)
	e.noSecretsIn(st, fresh)
}

// TestRotation: a rotating provider's old refresh token is rejected after a
// refresh, so the new one must be what is stored; Clio's is kept and keeps
// working.
func TestRotation(t *testing.T) {
	t.Run("clientcasa", func(t *testing.T) {
		e := newEnv(t, authtest.Config{})
		st := storetest.Open(t)
		p := withClient(auth.ClientCasa(e.srv.URL), authtest.ClientID, authtest.ClientSecret)
		conn, err := auth.Connect(e.ctx, p, e.connectOptions())
		if err != nil {
			t.Fatal(err)
		}
		id := save(t, e.ctx, st, conn)
		fresh, err := auth.Refresh(e.ctx, nil, p, conn.Token)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Update(e.ctx, func(tx *store.Tx) error { return tx.SaveToken(id, fresh) }); err != nil {
			t.Fatal(err)
		}
		stored, err := st.LoadToken(e.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if stored.RefreshToken != fresh.RefreshToken || stored.RefreshToken == conn.Token.RefreshToken {
			t.Fatal("the stored refresh token is not the rotated one")
		}
		_, err = auth.Refresh(e.ctx, nil, p, conn.Token)
		wantKind(t, err, auth.KindReconnect)
		// Reuse detection: spending the old token revoked the whole grant,
		// so the stored one is dead too. This is why a rotated token must
		// be stored before anything else and never refreshed twice.
		_, err = auth.Refresh(e.ctx, nil, p, stored)
		wantKind(t, err, auth.KindReconnect)
		storetest.Secret(t, conn.Token.AccessToken, conn.Token.RefreshToken, fresh.AccessToken, fresh.RefreshToken)
	})
	t.Run("clio", func(t *testing.T) {
		e := newEnv(t, authtest.Config{})
		p := auth.Clio("clio-test", "Clio (test)", e.srv.URL)
		p.Redirect = auth.RedirectLoopback
		p = withClient(p, authtest.ClientID, authtest.ClientSecret)
		conn, err := auth.Connect(e.ctx, p, e.connectOptions())
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			fresh, err := auth.Refresh(e.ctx, nil, p, conn.Token)
			if err != nil {
				t.Fatalf("refresh %d with the original refresh token: %v", i, err)
			}
			if fresh.RefreshToken != conn.Token.RefreshToken {
				t.Fatalf("refresh %d: Clio's refresh token was not kept", i)
			}
			storetest.Secret(t, fresh.AccessToken)
		}
		if got := e.srv.GrantCount("refresh_token"); got != 3 {
			t.Errorf("server saw %d refreshes, want 3", got)
		}
		storetest.Secret(t, conn.Token.AccessToken, conn.Token.RefreshToken)
	})
}

func redirectOf(t *testing.T, authURL string) string {
	t.Helper()
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("redirect_uri")
}

// TestWrongStateKeepsWaiting: a callback with another state answers 400 and
// the flow goes on to complete with the right one (RFC 6749 §10.12).
func TestWrongStateKeepsWaiting(t *testing.T) {
	e := newEnv(t, authtest.Config{})
	p := withClient(auth.Generic(e.srv.URL+authtest.PathAuthorize, e.srv.URL+authtest.PathToken), authtest.ClientID, authtest.ClientSecret)
	opts := e.connectOptions()
	opts.Open = func(authURL string) error {
		e.browse(func() {
			forged := redirectOf(t, authURL) + "?code=forged-code&state=" + url.QueryEscape("not-the-state-<script>")
			page, err := authtest.Visit(e.ctx, forged)
			if err != nil {
				t.Errorf("forged callback: %v", err)
				return
			}
			if page.Status != http.StatusBadRequest {
				t.Errorf("forged callback answered %d, want 400", page.Status)
			}
			if strings.Contains(page.Title, "<") {
				t.Errorf("callback page reflects input: %q", page.Title)
			}
			if _, err := authtest.Visit(e.ctx, authURL); err != nil {
				t.Errorf("browser: %v", err)
			}
		})
		return nil
	}
	conn, err := auth.Connect(e.ctx, p, opts)
	if err != nil {
		t.Fatalf("connect after a wrong-state callback: %v", err)
	}
	storetest.Secret(t, conn.Token.AccessToken, conn.Token.RefreshToken)
}

// TestConnectRedirectPage: ClientCasa with an https redirect page (set
// from the words a person types): the browser ends on the page, off this
// machine, and the user pastes the address it shows. A pasted address with
// another attempt's state, or with none, is refused in plain words and the
// flow goes on waiting; the right one completes it, with the page as the
// redirect_uri of both the authorization and the token request.
func TestConnectRedirectPage(t *testing.T) {
	e := newEnv(t, authtest.Config{})
	p, err := withClient(auth.ClientCasa(e.srv.URL), authtest.ClientID, authtest.ClientSecret).WithRedirect(authtest.LandingPage)
	if err != nil {
		t.Fatal(err)
	}
	pastes := make(chan string)
	rejected := make(chan error, 3)
	opts := e.connectOptions()
	opts.Approval, opts.PasteRejected = pastes, func(err error) { rejected <- err }
	opts.Open = func(authURL string) error {
		e.browse(func() {
			page, err := authtest.Visit(e.ctx, authURL)
			if err != nil {
				t.Errorf("browser: %v", err)
				return
			}
			landed, err := url.Parse(page.URL)
			if err != nil || !strings.HasPrefix(page.URL, authtest.LandingPage+"?") || landed.Query().Get("code") == "" {
				t.Errorf("the browser landed on %q, want %s with a code", page.URL, authtest.LandingPage)
				return
			}
			other := *landed
			q := other.Query()
			q.Set("state", "another-attempts-state-0123")
			other.RawQuery = q.Encode()
			noState := *landed
			q.Del("state")
			noState.RawQuery = q.Encode()
			for _, in := range []struct {
				paste string
				want  error
			}{{other.String(), auth.ErrOtherAttempt}, {noState.String(), auth.ErrNoState}, {"Success code=abcd1234", auth.ErrNotLanded}} {
				pastes <- in.paste
				if err := <-rejected; !errors.Is(err, in.want) {
					t.Errorf("pasted %s: rejected with %v, want %v", in.want, err, in.want)
				} else if msg := auth.Message(err); strings.Contains(msg, "Something went wrong") || !strings.Contains(msg, "paste") {
					t.Errorf("pasted %s: message %q", in.want, msg)
				}
			}
			pastes <- "  " + page.URL + "\n"
		})
		return nil
	}
	conn, err := auth.Connect(e.ctx, p, opts)
	if err != nil {
		t.Fatalf("connect with a pasted landing address: %v", err)
	}
	storetest.Secret(t, conn.Token.AccessToken, conn.Token.RefreshToken)
	if got := e.srv.LastAuthorize().Get("redirect_uri"); got != authtest.LandingPage {
		t.Errorf("redirect_uri = %q, want %q", got, authtest.LandingPage)
	}
	if conn.Identity.Label() != "Demo User" {
		t.Errorf("identity %q", conn.Identity.Label())
	}
	if len(rejected) != 0 {
		t.Errorf("%d more rejections", len(rejected))
	}
}

func TestDeclined(t *testing.T) {
	e := newEnv(t, authtest.Config{})
	e.srv.SetDecision(authtest.Deny)
	for _, p := range []auth.Provider{
		withClient(auth.ClientCasa(e.srv.URL), authtest.ClientID, authtest.ClientSecret),
		func() auth.Provider { // Clio: redirect_on_decline=true brings the refusal back
			p := auth.Clio("clio-test", "Clio", e.srv.URL)
			p.Redirect = auth.RedirectLoopback
			return withClient(p, authtest.ClientID, authtest.ClientSecret)
		}(),
	} {
		_, err := auth.Connect(e.ctx, p, e.connectOptions())
		wantKind(t, err, auth.KindDeclined)
		if !errors.Is(err, auth.ErrDeclined) {
			t.Errorf("errors.Is(err, ErrDeclined) = false for %v", err)
		}
	}
}

func TestClioApprovalDeclined(t *testing.T) {
	e := newEnv(t, authtest.Config{})
	e.srv.SetDecision(authtest.Deny)
	p := withClient(auth.Clio("clio-test", "Clio", e.srv.URL), authtest.ClientID, authtest.ClientSecret)
	_, err := auth.Connect(e.ctx, p, e.approvalOptions())
	wantKind(t, err, auth.KindDeclined)
}

// TestExchangeErrors: a wrong code_verifier, an expired code and a reused
// code are each a typed error, not a token.
func TestExchangeErrors(t *testing.T) {
	e := newEnv(t, authtest.Config{})
	p := withClient(auth.Generic(e.srv.URL+authtest.PathAuthorize, e.srv.URL+authtest.PathToken), authtest.ClientID, authtest.ClientSecret)
	const redirect = "http://127.0.0.1:9/callback"
	verifier := oauth2.GenerateVerifier()
	code := func() string {
		c, err := e.srv.Authorize(e.ctx, authtest.ClientID, redirect, authtest.Challenge(verifier), "openid")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	_, err := auth.Exchange(e.ctx, nil, p, redirect, code(), oauth2.GenerateVerifier())
	wantKind(t, err, auth.KindReconnect)

	// An expired code: a server whose codes live 50 ms. fosite reads the
	// wall clock, so the test waits out the lifetime.
	const life = 50 * time.Millisecond
	short := authtest.NewServer(t, authtest.Config{CodeLifespan: life})
	ps := withClient(auth.Generic(short.URL+authtest.PathAuthorize, short.URL+authtest.PathToken), authtest.ClientID, authtest.ClientSecret)
	expired, err := short.Authorize(e.ctx, authtest.ClientID, redirect, authtest.Challenge(verifier), "openid")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * life)
	_, err = auth.Exchange(e.ctx, nil, ps, redirect, expired, verifier)
	ae := wantKind(t, err, auth.KindReconnect)
	if ae.Code != "invalid_grant" || ae.Op != "exchange" {
		t.Errorf("expired code: code %q op %q", ae.Code, ae.Op)
	}

	c := code()
	tok, err := auth.Exchange(e.ctx, nil, p, redirect, c, verifier)
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	storetest.Secret(t, tok.AccessToken, tok.RefreshToken)
	_, err = auth.Exchange(e.ctx, nil, p, redirect, c, verifier)
	wantKind(t, err, auth.KindReconnect)
}

func TestInvalidClient(t *testing.T) {
	e := newEnv(t, authtest.Config{})
	p := withClient(auth.ClientCasa(e.srv.URL), authtest.ClientID, "wrong-secret")
	_, err := auth.Connect(e.ctx, p, e.connectOptions())
	ae := wantKind(t, err, auth.KindMisconfigured)
	if ae.Code != "invalid_client" {
		t.Errorf("code = %q, want invalid_client", ae.Code)
	}

	p.ClientID = ""
	_, err = auth.Connect(e.ctx, p, e.connectOptions())
	wantKind(t, err, auth.KindMisconfigured)
}

// TestRefreshFaults: the provider failing in ways no spec-compliant server
// does on its own. Each is a typed error, and the refresh token survives:
// the next refresh works.
func TestRefreshFaults(t *testing.T) {
	big := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"access_token":"`))
		chunk := bytes.Repeat([]byte("A"), 64<<10)
		for range 10 << 20 / len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		w.Write([]byte(`"}`))
	}
	faults := []struct {
		name       string
		handler    http.HandlerFunc
		kind       auth.Kind
		status     int
		retryAfter time.Duration
	}{
		{"500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) }, auth.KindTransient, 500, 0},
		{"503-retry-after", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "120")
			http.Error(w, "busy", 503)
		}, auth.KindTransient, 503, 120 * time.Second},
		{"429", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "7")
			http.Error(w, "slow down", 429)
		}, auth.KindTransient, 429, 7 * time.Second},
		{"malformed-json", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"access_token": "abc", "expires_in": `))
		}, auth.KindTransient, 0, 0},
		{"html-error-page", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			w.Write([]byte(`<html><title>Bad gateway</title></html>`))
		}, auth.KindTransient, 502, 0},
		{"10MB-body", big, auth.KindTransient, 0, 0},
	}
	for _, dialect := range []string{"form", "json"} {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, authtest.Config{})
			issued, err := e.srv.IssueTokens(e.ctx, "openid")
			if err != nil {
				t.Fatal(err)
			}
			px := authtest.NewProxy(t, e.srv.URL)
			p := withClient(auth.Generic(e.srv.URL+authtest.PathAuthorize, px.URL+authtest.PathToken), authtest.PublicClientID, "")
			path := authtest.PathToken
			if dialect == "json" {
				p, path = auth.Anthropic(px.URL+authtest.PathAnthropicToken), authtest.PathAnthropicToken
			}
			tok := &oauth2.Token{AccessToken: issued.AccessToken, RefreshToken: issued.RefreshToken}
			storetest.Secret(t, issued.AccessToken, issued.RefreshToken)
			for _, f := range faults {
				px.Inject(path, authtest.Fault{Handler: f.handler})
				_, err := auth.Refresh(e.ctx, nil, p, tok)
				ae := wantKind(t, err, f.kind)
				if ae.Status != f.status || ae.RetryAfter != f.retryAfter {
					t.Errorf("%s: status %d retry-after %v, want %d %v", f.name, ae.Status, ae.RetryAfter, f.status, f.retryAfter)
				}
				if !errors.Is(err, auth.ErrTransient) {
					t.Errorf("%s: errors.Is(err, ErrTransient) = false", f.name)
				}
			}
			// Nothing was lost: the refresh token still works.
			fresh, err := auth.Refresh(e.ctx, nil, p, tok)
			if err != nil {
				t.Fatalf("refresh after the faults: %v", err)
			}
			storetest.Secret(t, fresh.AccessToken, fresh.RefreshToken)
		})
	}
}

// TestRefreshNoExpiresIn: a response without expires_in leaves the expiry
// unknown instead of "valid forever" silently.
func TestRefreshNoExpiresIn(t *testing.T) {
	e := newEnv(t, authtest.Config{})
	issued, err := e.srv.IssueTokens(e.ctx, "openid")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Secret(t, issued.AccessToken, issued.RefreshToken)
	px := authtest.NewProxy(t, e.srv.URL)
	px.Inject(authtest.PathToken, authtest.Fault{Handler: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"access_token":"no-expiry-access-token","token_type":"bearer"}`))
	}})
	p := withClient(auth.Generic("", px.URL+authtest.PathToken), authtest.PublicClientID, "")
	tok, err := auth.Refresh(e.ctx, nil, p, &oauth2.Token{RefreshToken: issued.RefreshToken})
	if err != nil {
		t.Fatal(err)
	}
	if auth.ExpiryKnown(tok) {
		t.Errorf("expiry = %v, want unknown", tok.Expiry)
	}
	if tok.RefreshToken != issued.RefreshToken {
		t.Error("the old refresh token was not kept when none was returned")
	}
}

func TestTimeoutAndCancel(t *testing.T) {
	e := newEnv(t, authtest.Config{})
	p := withClient(auth.Generic(e.srv.URL+authtest.PathAuthorize, e.srv.URL+authtest.PathToken), authtest.ClientID, authtest.ClientSecret)
	// Each attempt has an opener of its own: Connect does not wait for
	// the opener, which may still run after it returned.
	opts := auth.ConnectOptions{Open: func(string) error { return nil }, Timeout: 100 * time.Millisecond, Logger: e.logger()}
	_, err := auth.Connect(e.ctx, p, opts)
	wantKind(t, err, auth.KindTimeout)

	ctx, cancel := context.WithCancel(e.ctx)
	opened := make(chan struct{})
	go func() {
		<-opened
		cancel()
	}()
	opts.Timeout = time.Minute
	opts.Open = func(string) error { close(opened); return nil }
	_, err = auth.Connect(ctx, p, opts)
	wantKind(t, err, auth.KindCanceled)
}

// TestPortBusy: a registered port held by another program is an error that
// names the port and, on Linux and Windows, the program.
func TestPortBusy(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	p := auth.Generic("http://127.0.0.1:1/authorize", "http://127.0.0.1:1/token")
	p.ClientID, p.RedirectPort = "x", port
	_, err = auth.Connect(context.Background(), p, auth.ConnectOptions{Open: func(string) error {
		t.Error("the browser was opened although the port is busy")
		return nil
	}})
	ae := wantKind(t, err, auth.KindPortBusy)
	if ae.Port != port {
		t.Errorf("port = %d, want %d", ae.Port, port)
	}
	// Wine (the Windows tests' host, which sets WINEPREFIX) gives PID 0 as
	// every socket's owner: there the holder cannot be named.
	wine := runtime.GOOS == "windows" && os.Getenv("WINEPREFIX") != ""
	if wine {
		t.Logf("under Wine, which does not tell a socket's owner: holder %q not checked", ae.Holder)
	}
	if (runtime.GOOS == "linux" || runtime.GOOS == "windows" && !wine) && !strings.Contains(ae.Holder, strconv.Itoa(os.Getpid())) {
		t.Errorf("holder = %q, want this process (PID %d)", ae.Holder, os.Getpid())
	}
	if !strings.Contains(auth.Message(ae), strconv.Itoa(port)) {
		t.Errorf("message does not name the port: %q", auth.Message(ae))
	}
}

// TestLoginHint: reconnecting to an OIDC provider names the account, and
// can ask for the account chooser.
func TestLoginHint(t *testing.T) {
	e := newEnv(t, authtest.Config{})
	p := withClient(auth.ClientCasa(e.srv.URL), authtest.ClientID, authtest.ClientSecret)
	opts := e.connectOptions()
	opts.LoginHint, opts.SelectAccount = "demo.user@example.test", true
	conn, err := auth.Connect(e.ctx, p, opts)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Secret(t, conn.Token.AccessToken, conn.Token.RefreshToken)
	q := e.srv.LastAuthorize()
	if q.Get("login_hint") != "demo.user@example.test" || q.Get("prompt") != "select_account" {
		t.Errorf("authorize query login_hint=%q prompt=%q", q.Get("login_hint"), q.Get("prompt"))
	}
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || len(q.Get("state")) < 32 {
		t.Errorf("authorize query lacks PKCE S256 or a strong state: %v", q)
	}
}

// TestLoopbackBindsLoopbackOnly: "localhost" listens on 127.0.0.1 and ::1
// (where the machine has IPv6) and on nothing else.
func TestLoopbackBindsLoopbackOnly(t *testing.T) {
	p := auth.Generic("http://127.0.0.1:1/a", "http://127.0.0.1:1/t")
	p.RedirectHost = "0.0.0.0"
	p.ClientID = "x"
	_, err := auth.Connect(context.Background(), p, auth.ConnectOptions{Open: func(string) error { return nil }})
	wantKind(t, err, auth.KindMisconfigured)

	p.RedirectHost = "localhost"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	opened := make(chan string, 1)
	go func() {
		_, err := auth.Connect(ctx, p, auth.ConnectOptions{Open: func(u string) error { opened <- u; return nil }})
		done <- err
	}()
	redirect, err := url.Parse(redirectOf(t, <-opened))
	if err != nil {
		t.Fatal(err)
	}
	if redirect.Hostname() != "localhost" {
		t.Errorf("redirect host = %q", redirect.Hostname())
	}
	for _, h := range []string{"127.0.0.1", "::1"} {
		c, err := net.Dial("tcp", net.JoinHostPort(h, redirect.Port()))
		if err != nil {
			if h == "::1" {
				continue // no IPv6 on this machine
			}
			t.Errorf("not listening on %s: %v", h, err)
			continue
		}
		c.Close()
	}
	if ip := nonLoopbackIP(); ip != "" {
		if c, err := net.Dial("tcp", net.JoinHostPort(ip, redirect.Port())); err == nil {
			c.Close()
			t.Errorf("the listener accepts connections on %s", ip)
		}
	}
	cancel()
	wantKind(t, <-done, auth.KindCanceled)
}

func nonLoopbackIP() string {
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	return ""
}
