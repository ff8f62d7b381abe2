package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/gateway"
	"github.com/tokentray/tokentray/ui/words"
)

// fixedAccounts is gateway.Accounts for one account whose token is always
// fresh: the gateway alone, no keyring.
type fixedAccounts struct {
	route gateway.Route
	tok   *auth.Token
}

func (a *fixedAccounts) Route(name string) (gateway.Route, error) {
	if name != a.route.Account.Name {
		return gateway.Route{}, gateway.ErrUnknownAccount
	}
	return a.route, nil
}

func (a *fixedAccounts) EnsureFresh(context.Context, string, time.Duration) (*auth.Token, error) {
	return a.tok, nil
}

func (a *fixedAccounts) Renew(context.Context, string, string, time.Duration) (*auth.Token, error) {
	return a.tok, nil
}

// errorAnswer is the JSON of an answer the gateway makes itself.
type errorAnswer struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func readError(t *testing.T, body []byte) errorAnswer {
	t.Helper()
	var e errorAnswer
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("not the gateway's JSON error: %v\n%s", err, body)
	}
	return e
}

// guessDelay is the least delay the gateway imposes on the nth wrong key
// in a row (its package doc: each wrong key after the first waits twice as
// long as the one before, from 125 ms, up to 2 s).
func guessDelay(n int) time.Duration {
	if n <= 1 {
		return 0
	}
	return min(time.Duration(1<<min(n-2, 5))*125*time.Millisecond, 2*time.Second)
}

// TestWrongKeysSlowDown: each wrong key after the first is answered no
// sooner than the delay the gateway imposes on it (a lower bound, not a
// speed measure); a right key, sent while a wrong one is held back, is
// answered without waiting for it.
func TestWrongKeysSlowDown(t *testing.T) {
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	upURL := mustParse(t, up.url)
	const key = "the-right-gateway-key"
	storetest.Secret(t, key)
	asked := make(chan struct{}, 16) // the gateway read its key: a request with a key is being checked
	keyOf := func(context.Context) (string, error) {
		select {
		case asked <- struct{}{}:
		default:
		}
		return key, nil
	}
	accts := &fixedAccounts{
		route: gateway.Route{Account: store.Account{ID: "id-1", Name: "acme"}, Upstream: upURL},
		tok:   &auth.Token{AccessToken: "fixed-access-token", TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)},
	}
	storetest.Secret(t, accts.tok.AccessToken)
	gw := gateway.New(gateway.Config{Accounts: accts, Key: keyOf, Logger: slog.New(slog.DiscardHandler)})
	base := serveGateway(t, gw)

	call := func(ctx context.Context, k string) (int, string, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/acme/x", nil)
		req.Header.Set(gateway.KeyHeader, k)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body), nil
	}
	const wrongs = 5 // the 5th waits 1 s
	for n := 1; n <= wrongs; n++ {
		start := time.Now()
		status, body, err := call(context.Background(), "not-the-key")
		took := time.Since(start)
		if err != nil || status != http.StatusUnauthorized || !strings.Contains(body, `"code":"wrong_key"`) {
			t.Fatalf("wrong key %d: %d %s %v", n, status, body, err)
		}
		if want := guessDelay(n); took < want {
			t.Errorf("wrong key %d answered after %v, before the %v the gateway must wait", n, took, want)
		}
	}

	// A wrong key now waits 2 s; a right key sent meanwhile does not wait
	// behind it.
	for len(asked) > 0 {
		<-asked
	}
	wctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wrongDone := make(chan error, 1)
	go func() {
		_, _, err := call(wctx, "not-the-key")
		wrongDone <- err
	}()
	<-asked // the wrong key is being checked
	if status, body, err := call(context.Background(), key); err != nil || status != http.StatusOK || body != "ok" {
		t.Fatalf("right key: %d %s %v", status, body, err)
	}
	select {
	case <-wrongDone:
		t.Errorf("the right key was answered only after the wrong key held back before it (%v)", guessDelay(wrongs+1))
	default:
		cancel()
		<-wrongDone
	}
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// serveGateway serves gw on a loopback port until the test ends; it
// returns the gateway's address.
func serveGateway(t *testing.T, gw *gateway.Server) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	lns, err := gateway.Listen(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- gw.Serve(ctx, lns...) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + lns[0].Addr().String()
}

// TestUpstreamUnreachable: an account whose service does not answer gets
// the gateway's own 502, in words that name the account and the host, and
// nothing of its token or of the key.
func TestUpstreamUnreachable(t *testing.T) {
	f := newFixture(t, authtest.Config{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close() // nothing listens there now
	acct := f.custom("http://" + dead + "/api/v1")
	tok := f.token(acct.ID)

	resp, body := f.get(f.url + "/Acme/things")
	if resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("unreachable upstream: %s %s, want 502", resp.Status, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	e := readError(t, body)
	want := "The service of “Acme” (" + dead + ") could not be reached. Check the network connection, then try again."
	if e.Error.Code != "upstream_unreachable" || e.Error.Message != want {
		t.Errorf("answer %s; want code upstream_unreachable and %q", body, want)
	}
	for what, s := range map[string]string{"access token": tok.AccessToken, "refresh token": tok.RefreshToken, "gateway key": f.key} {
		if strings.Contains(string(body), s) || strings.Contains(fmt.Sprint(resp.Header), s) {
			t.Errorf("the answer holds the %s", what)
		}
	}
	f.noSecretIn(string(body), "the answer")
	f.noSecretIn(f.logs.String(), "the gateway's log")
}

// seenBody is one request as the upstream received it.
type seenBody struct {
	path, auth string
	body       []byte
}

// TestRefusedPostIsSentAgain: a POST whose token the service refuses (401)
// is sent again, the same body, with the token the keeper renewed once; a
// body up to MaxReplay is replayed, a larger one is not (its 401 is passed
// back, and no refresh is made for it).
func TestRefusedPostIsSentAgain(t *testing.T) {
	f := newFixture(t, authtest.Config{})
	var (
		mu     sync.Mutex
		refuse string // the upstream answers 401 to this access token
		seen   []seenBody
	)
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		data, err := io.ReadAll(r.Body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		mu.Lock()
		seen = append(seen, seenBody{r.URL.Path, r.Header.Get("Authorization"), data})
		refused := r.Header.Get("Authorization") == "Bearer "+refuse
		mu.Unlock()
		if refused {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, "token refused")
			return
		}
		fmt.Fprintf(w, "got %d bytes", len(data))
	})
	acct := f.custom(up.url + "/api/v1")
	ctx := context.Background()
	if err := f.app.GatewayAllow(ctx, acct.ID, true, false); err != nil {
		t.Fatal(err)
	}
	post := func(path string, body []byte) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, f.url+"/Acme"+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/octet-stream")
		req.SetBasicAuth("script", f.key)
		return f.do(req)
	}
	calls := func(path string) []seenBody {
		mu.Lock()
		defer mu.Unlock()
		var out []seenBody
		for _, s := range seen {
			if s.path == "/api/v1"+path {
				out = append(out, s)
			}
		}
		return out
	}

	for _, tc := range []struct {
		name   string
		path   string
		size   int
		replay bool
	}{
		{"small body", "/small", 0, true}, // a JSON text, below
		{"body over MaxReplay", "/over-cap", gateway.DefaultMaxReplay + 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := []byte(`{"matter": {"description": "Smith v. Jones", "status": "Open"}}`)
			if tc.size > 0 {
				body = bytes.Repeat([]byte("x"), tc.size)
			}
			stale := f.token(acct.ID)
			mu.Lock()
			refuse = stale.AccessToken // the service stopped taking it; the keeper cannot know
			mu.Unlock()
			refreshes := f.srv.GrantCount("refresh_token")

			resp, answer := post(tc.path, body)
			got := calls(tc.path)
			if !tc.replay {
				if resp.StatusCode != http.StatusUnauthorized || string(answer) != "token refused" {
					t.Errorf("answer %s %.100s; want the service's 401 passed back", resp.Status, answer)
				}
				if len(got) != 1 || !bytes.Equal(got[0].body, body) {
					t.Fatalf("the service got %d requests; want 1, with the whole body", len(got))
				}
				if n := f.srv.GrantCount("refresh_token") - refreshes; n != 0 {
					t.Errorf("%d refreshes for a body that cannot be sent again, want 0", n)
				}
				return
			}
			if resp.StatusCode != http.StatusOK || string(answer) != fmt.Sprintf("got %d bytes", len(body)) {
				t.Errorf("answer %s %.100s; want 200 from the second try", resp.Status, answer)
			}
			if n := f.srv.GrantCount("refresh_token") - refreshes; n != 1 {
				t.Errorf("%d refreshes, want 1", n)
			}
			if len(got) != 2 {
				t.Fatalf("the service got %d requests, want 2 (refused, then again)", len(got))
			}
			fresh := f.token(acct.ID)
			if fresh.AccessToken == stale.AccessToken {
				t.Fatal("the keeper kept the refused token")
			}
			if got[0].auth != "Bearer "+stale.AccessToken || got[1].auth != "Bearer "+fresh.AccessToken {
				t.Error("the tries were not sent with the refused token, then the renewed one")
			}
			for i, g := range got {
				if !bytes.Equal(g.body, body) {
					t.Errorf("try %d: the service got %d bytes, not the body sent (%d bytes)", i+1, len(g.body), len(body))
				}
			}
		})
	}
	f.noSecretIn(f.logs.String(), "the gateway's log")
}

// TestRefusalsInTheUsersLanguage: the gateway's own answers are in the
// language ui/words uses, with the words of its translation file.
func TestRefusalsInTheUsersLanguage(t *testing.T) {
	f := newFixture(t, authtest.Config{})
	raw, err := os.ReadFile(filepath.Join("..", "words", "translations", "fr.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fr map[string]string
	if err := json.Unmarshal(raw, &fr); err != nil {
		t.Fatal(err)
	}
	noKey := func() errorAnswer {
		t.Helper()
		resp, body := f.do(mustRequest(t, http.MethodGet, f.url+"/Acme/x"))
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("no key: %s %s", resp.Status, body)
		}
		return readError(t, body)
	}
	words.Use("en")
	t.Cleanup(func() { words.Use("en") })
	en := noKey()
	want, ok := fr[en.Error.Message]
	if !ok || want == "" {
		t.Fatalf("fr.json has no French for %q", en.Error.Message)
	}
	words.Use("fr")
	got := noKey()
	if got.Error.Code != "no_key" || got.Error.Message != want {
		t.Errorf("in French: %q %q; want no_key and %q", got.Error.Code, got.Error.Message, want)
	}
}

func mustRequest(t *testing.T, method, target string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// TestNoTokenInTheEvents: a request through the gateway that makes the
// keeper refresh gives subscribers (the window's events list) a
// "refreshed" event that holds no token and no key; the accounts app
// itself writes no events file for gateway traffic (the window keeps the
// events it shows: ui/tray).
func TestNoTokenInTheEvents(t *testing.T) {
	f := newFixture(t, authtest.Config{})
	acct := f.clio("Work")
	ctx := context.Background()
	events, stop := f.app.Subscribe(64)
	defer stop()
	old := f.token(acct.ID)
	if err := f.srv.ExpireAccess(ctx, old.AccessToken); err != nil {
		t.Fatal(err)
	}
	if resp, body := f.get(f.url + "/Work" + authtest.PathClioWhoAmI); resp.StatusCode != http.StatusOK {
		t.Fatalf("through the gateway: %s %s", resp.Status, body)
	}
	fresh := f.token(acct.ID)
	if fresh.AccessToken == old.AccessToken {
		t.Fatal("no refresh happened")
	}
	secrets := []string{old.AccessToken, old.RefreshToken, fresh.AccessToken, fresh.RefreshToken, f.key}

	wait, cancel := context.WithTimeout(ctx, time.Minute) // a bound on a hang, not a synchronisation
	defer cancel()
	// Each event, as it comes, until the refresh's (only one account: its
	// kind is enough); never printed, as it may hold what it must not.
	var kinds []keeper.EventKind
	for refreshed := false; !refreshed; {
		select {
		case e := <-events:
			kinds = append(kinds, e.Kind)
			refreshed = e.Kind == keeper.EventRefreshed
			text := fmt.Sprintf("%+v %v", e, e.Err)
			for _, s := range secrets {
				if strings.Contains(text, s) {
					t.Errorf("a %v event holds a token or the key", e.Kind)
				}
			}
		case <-wait.Done():
			t.Fatalf("no refreshed event; got %v", kinds)
		}
	}
	// The accounts app keeps no events of its own for gateway traffic:
	// events.json is the window's (ui/tray), written from these events.
	raw, err := os.ReadFile(filepath.Join(f.app.ConfigDir(), "events.json"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("events.json after gateway traffic: %v; want none (the window writes it)", err)
		for _, s := range secrets {
			if bytes.Contains(raw, []byte(s)) {
				t.Error("events.json holds a token or the key")
			}
		}
	}
}
