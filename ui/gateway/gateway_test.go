package gateway_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/auth/claude"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/accounts"
	"github.com/tokentray/tokentray/ui/gateway"
)

// fixture is a real app (store, keeper) with a gateway in front of it, and
// the test server behind it as the provider and its API.
type fixture struct {
	t    *testing.T
	srv  *authtest.Server
	app  *accounts.App
	dir  string // the app's store
	url  string // the gateway: http://127.0.0.1:PORT
	key  string
	logs *storetest.LogBuffer
}

func newFixture(t *testing.T, cfg authtest.Config) *fixture {
	t.Helper()
	storetest.RequireSession(t)
	f := &fixture{t: t, srv: authtest.NewServer(t, cfg), logs: &storetest.LogBuffer{}}
	f.dir = t.TempDir()
	app, err := accounts.Open(accounts.Options{Dir: f.dir, Service: storetest.Service(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Close() })
	f.app = app
	ctx, cancel := context.WithCancel(context.Background())
	if f.key, err = app.GatewayKey(ctx); err != nil {
		t.Fatal(err)
	}
	storetest.Secret(t, f.key)
	lns, err := gateway.Listen(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.url = "http://" + lns[0].Addr().String()
	log := slog.New(slog.NewTextHandler(f.logs, nil))
	served := make(chan error, 1)
	go func() { served <- app.Gateway(log).Serve(ctx, lns...) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
		t.Logf("gateway log:\n%s", f.logs.String())
	})
	return f
}

// clio connects a Clio (Europe) account named name at the test server.
func (f *fixture) clio(name string) store.Account {
	f.t.Helper()
	ctx := context.Background()
	p, _ := auth.PresetAt("clio-eu", f.srv.URL)
	p.Redirect = auth.RedirectLoopback
	p.ClientID, p.ClientSecret = authtest.ClientID, authtest.ClientSecret
	if err := f.app.SaveProvider(ctx, p); err != nil {
		f.t.Fatal(err)
	}
	visit := func(u string) error {
		go authtest.Visit(context.Background(), u) //nolint:errcheck // the flow reports failures
		return nil
	}
	acct, err := f.app.Connect(ctx, "clio-eu", name, auth.ConnectOptions{Open: visit})
	if err != nil {
		f.t.Fatal(err)
	}
	f.token(acct.ID)
	return acct
}

// expire makes the account's stored access token run out, as a week with
// the computer off would (through a second store on the folder, as
// another process of the user's writes it).
func (f *fixture) expire(id string) {
	f.t.Helper()
	tok := *f.token(id)
	tok.Expiry = time.Now().Add(-time.Hour)
	st, err := store.Open(store.Options{Dir: f.dir, Service: storetest.Service(f.t)})
	if err == nil {
		err = st.Update(context.Background(), func(tx *store.Tx) error { return tx.SaveToken(id, &tok) })
	}
	if err != nil {
		f.t.Fatal(err)
	}
}

// token is the account's current access token, through the keeper.
func (f *fixture) token(id string) *auth.Token {
	f.t.Helper()
	tok, err := f.app.EnsureFresh(context.Background(), id, 0)
	if err != nil {
		f.t.Fatal(err)
	}
	storetest.Secret(f.t, tok.AccessToken, tok.RefreshToken)
	return tok
}

// get calls the gateway as a tool does, the key as a Basic password.
func (f *fixture) get(target string) (*http.Response, []byte) {
	f.t.Helper()
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	req.SetBasicAuth("excel", f.key)
	return f.do(req)
}

func (f *fixture) do(req *http.Request) (*http.Response, []byte) {
	f.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return resp, body
}

type mattersPage struct {
	Data []struct {
		ID int `json:"id"`
	} `json:"data"`
	Meta struct {
		Records int `json:"records"`
		Paging  struct {
			Next     string `json:"next"`
			Previous string `json:"previous"`
		} `json:"paging"`
	} `json:"meta"`
}

// TestClioPagesThroughTheGateway: a tool with only the gateway key reads
// every page of a Clio list through the gateway, following
// meta.paging.next, which points at the gateway, not at Clio — across an
// expiry the keeper saw coming (refreshed before the call) and one it did
// not (Clio answers 401: refreshed once, called again). Clio sees a valid
// Bearer token on every call but the refused one.
func TestClioPagesThroughTheGateway(t *testing.T) {
	f := newFixture(t, authtest.Config{})
	acct := f.clio("Work")
	ctx := context.Background()

	next := f.url + "/Work" + authtest.PathClioMatters + "?limit=10"
	var ids []int
	for page := 0; next != ""; page++ {
		switch page {
		case 1: // expired on Clio's side only: the keeper cannot know
			if err := f.srv.ExpireAccess(ctx, f.token(acct.ID).AccessToken); err != nil {
				t.Fatal(err)
			}
		case 2: // expired as the keeper sees it (a week with the computer off)
			f.expire(acct.ID)
		}
		resp, body := f.get(next)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("page %d: %s\n%s", page, resp.Status, body)
		}
		var m mattersPage
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		for _, d := range m.Data {
			ids = append(ids, d.ID)
		}
		next = m.Meta.Paging.Next
		if next != "" && !strings.HasPrefix(next, f.url+"/Work/api/v4/matters.json?") {
			t.Fatalf("page %d: next page %q is not the gateway's", page, next)
		}
		if page > 0 && !strings.HasPrefix(m.Meta.Paging.Previous, f.url+"/Work/") {
			t.Errorf("page %d: previous page %q is not the gateway's", page, m.Meta.Paging.Previous)
		}
		if page > 10 {
			t.Fatal("paging does not end")
		}
	}
	if len(ids) != authtest.Matters {
		t.Errorf("%d matters read, want %d", len(ids), authtest.Matters)
	}
	served, refused := f.srv.APICalls()
	if refused != 1 || served != 3 {
		t.Errorf("Clio served %d calls and refused %d; want 3 pages served, 1 call refused (the token expired on its side)", served, refused)
	}
	if n := f.srv.GrantCount("refresh_token"); n != 2 {
		t.Errorf("%d refreshes, want 2 (one per expiry)", n)
	}
	f.noSecretIn(f.logs.String(), "the gateway's log")
}

// TestOneRefreshPerExpiry: 50 requests at once, just after Clio stopped
// taking the access token, all succeed, with one refresh between them.
func TestOneRefreshPerExpiry(t *testing.T) {
	f := newFixture(t, authtest.Config{})
	acct := f.clio("Work")
	ctx := context.Background()
	if err := f.srv.ExpireAccess(ctx, f.token(acct.ID).AccessToken); err != nil {
		t.Fatal(err)
	}
	before := f.srv.GrantCount("refresh_token")
	const n = 50
	var wg sync.WaitGroup
	codes := make(chan int, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodGet, f.url+"/Work"+authtest.PathClioWhoAmI, nil)
			req.Header.Set(gateway.KeyHeader, f.key)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				codes <- 0
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			codes <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(codes)
	failed := 0
	for c := range codes {
		if c != http.StatusOK {
			failed++
		}
	}
	if failed != 0 {
		t.Errorf("%d of %d requests failed", failed, n)
	}
	if got := f.srv.GrantCount("refresh_token") - before; got != 1 {
		t.Errorf("%d refreshes for one expiry under %d concurrent requests, want 1", got, n)
	}
}

// TestClaudeWrapperThroughTheGateway: a call to the wrapper's
// /v1/messages without oauth_credentials gets them added, fresh; the
// wrapper's "Invalid API key" makes the gateway renew once and call again;
// a streamed answer's first event reaches the client while the wrapper is
// still answering.
func TestClaudeWrapperThroughTheGateway(t *testing.T) {
	f := newFixture(t, authtest.Config{AccessTokenLifespan: 8 * time.Hour})
	ctx := context.Background()
	p, _ := auth.PresetAt("anthropic", f.srv.URL)
	p, err := p.WithAPIBase(f.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.app.SaveProvider(ctx, p); err != nil {
		t.Fatal(err)
	}
	issued, err := f.srv.IssueTokens(ctx, "user:inference")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Secret(t, issued.AccessToken, issued.RefreshToken)
	s, err := claude.FromText([]byte(fmt.Sprintf(`{"access_token": %q, "refresh_token": %q, "expires_at": %d, "scopes": ["user:inference"]}`,
		issued.AccessToken, issued.RefreshToken, time.Now().Add(time.Hour).UnixMilli())))
	if err != nil {
		t.Fatal(err)
	}
	acct, err := f.app.ImportClaude(ctx, s, "Claude", false)
	if err != nil {
		t.Fatal(err)
	}
	call := func(body string) (*http.Response, []byte) {
		req, _ := http.NewRequest(http.MethodPost, f.url+"/Claude/v1/messages", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth("", f.key)
		return f.do(req)
	}
	const msg = `{"messages": [{"role": "user", "content": "Hello"}], "model": "sonnet", "stream": false}`

	if resp, body := call(msg); resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "wrapper_not_allowed") {
		t.Fatalf("before the user allowed it: %s %s", resp.Status, body)
	}
	if err := f.app.GatewayAllow(ctx, acct.ID, false, true); err != nil {
		t.Fatal(err)
	}
	if resp, body := call(msg); resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Hello from the wrapper stand-in") {
		t.Fatalf("wrapper call: %s %s", resp.Status, body)
	}

	// The access token ends on Anthropic's side: "Invalid API key".
	if err := f.srv.ExpireAccess(ctx, f.token(acct.ID).AccessToken); err != nil {
		t.Fatal(err)
	}
	before := f.srv.GrantCount("refresh_token")
	if resp, body := call(msg); resp.StatusCode != http.StatusOK {
		t.Fatalf("after the wrapper refused the token: %s %s", resp.Status, body)
	}
	if got := f.srv.GrantCount("refresh_token") - before; got != 1 {
		t.Errorf("%d refreshes after Invalid API key, want 1", got)
	}
	f.token(acct.ID) // the rotated pair, for the secret scan

	// Streamed: the first event arrives while the wrapper holds the rest.
	release := f.srv.HoldStreams()
	req, _ := http.NewRequest(http.MethodPost, f.url+"/Claude/v1/messages",
		strings.NewReader(`{"messages": [{"role": "user", "content": "Hello"}], "stream": true}`))
	req.Header.Set(gateway.KeyHeader, f.key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		release()
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rd := bufio.NewReader(resp.Body)
	first, err := rd.ReadString('\n')
	if err != nil || first != "event: message_start\n" {
		release()
		t.Fatalf("first line of the stream: %q, %v", first, err)
	}
	release()
	rest, err := io.ReadAll(rd)
	if err != nil || !strings.Contains(string(rest), "event: message_stop") {
		t.Errorf("rest of the stream: %q, %v", rest, err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	f.noSecretIn(f.logs.String(), "the gateway's log")
}

// noSecretIn fails when text holds the gateway key or a token.
func (f *fixture) noSecretIn(text, what string) {
	f.t.Helper()
	if strings.Contains(text, f.key) {
		f.t.Errorf("%s holds the gateway key", what)
	}
	if strings.Contains(text, "Bearer ") {
		f.t.Errorf("%s holds a Bearer header", what)
	}
}

// upstream is a service that records what reaches it.
type upstream struct {
	mu   sync.Mutex
	reqs []*http.Request
	srv  *http.Server
	url  string
}

func newUpstream(t *testing.T, h http.HandlerFunc) *upstream {
	t.Helper()
	u := &upstream{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u.url = "http://" + ln.Addr().String()
	u.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.reqs = append(u.reqs, r.Clone(context.Background()))
		u.mu.Unlock()
		h(w, r)
	})}
	go u.srv.Serve(ln) //nolint:errcheck // ends with Close
	t.Cleanup(func() { u.srv.Close() })
	return u
}

func (u *upstream) seen() []*http.Request {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]*http.Request(nil), u.reqs...)
}

// custom adds a custom provider whose API is api, and an account of it.
func (f *fixture) custom(api string) store.Account {
	f.t.Helper()
	ctx := context.Background()
	p, err := auth.Custom{ID: "acme", Name: "Acme", Issuer: f.srv.URL, ClientID: authtest.PublicClientID}.Build(ctx, http.DefaultClient)
	if err == nil {
		p, err = p.WithAPIBase(api)
	}
	if err == nil {
		err = f.app.SaveProvider(ctx, p)
	}
	if err != nil {
		f.t.Fatal(err)
	}
	visit := func(u string) error {
		go authtest.Visit(context.Background(), u) //nolint:errcheck // the flow reports failures
		return nil
	}
	acct, err := f.app.Connect(ctx, p.ID, "Acme", auth.ConnectOptions{Open: visit})
	if err != nil {
		f.t.Fatal(err)
	}
	f.token(acct.ID)
	return acct
}

// TestGatewayRefuses: each refusal on its own, and what does pass leaves
// the key behind and goes only to the account's upstream.
func TestGatewayRefuses(t *testing.T) {
	f := newFixture(t, authtest.Config{})
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/moved" {
			w.Header().Set("Location", "/api/v1/there?x=1")
			w.WriteHeader(http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"self": "%s/api/v1/here", "other": "https://elsewhere.example/x"}`, "http://"+r.Host)
	})
	acme := f.custom(up.url + "/api/v1")
	_ = acme
	ctx := context.Background()
	port := strings.TrimPrefix(f.url, "http://127.0.0.1:")

	send := func(method, target string, hdr map[string]string, key bool) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(method, target, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range hdr {
			if k == "Host" {
				req.Host = v
			} else {
				req.Header.Set(k, v)
			}
		}
		if key {
			req.SetBasicAuth("me", f.key)
		}
		resp, body := f.do(req)
		return resp, string(body)
	}
	// raw sends a request line as written, for targets a client library
	// would not send.
	raw := func(line string) string {
		t.Helper()
		c, err := net.Dial("tcp", "127.0.0.1:"+port)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "%s\r\nHost: 127.0.0.1:%s\r\nX-Tokentray-Key: %s\r\nConnection: close\r\n\r\n", line, port, f.key)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.Status + " " + string(body)
	}

	before := len(up.seen())
	for _, tc := range []struct {
		name   string
		method string
		target string
		hdr    map[string]string
		key    bool
		status int
		code   string
	}{
		{"no key", "GET", f.url + "/Acme/x", nil, false, 401, "no_key"},
		{"wrong key", "GET", f.url + "/Acme/x", map[string]string{gateway.KeyHeader: "not-the-key"}, false, 401, "wrong_key"},
		{"key as a Bearer token", "GET", f.url + "/Acme/x", map[string]string{"Authorization": "Bearer " + f.key}, false, 401, "no_key"},
		{"key in a cookie", "GET", f.url + "/Acme/x", map[string]string{"Cookie": gateway.KeyParam + "=" + f.key}, false, 401, "no_key"},
		{"Host of another name", "GET", f.url + "/Acme/x", map[string]string{"Host": "evil.example:" + port}, true, 421, "wrong_host"},
		{"Host of another port", "GET", f.url + "/Acme/x", map[string]string{"Host": "127.0.0.1:1"}, true, 421, "wrong_host"},
		{"Origin of a web page", "GET", f.url + "/Acme/x", map[string]string{"Origin": "https://evil.example"}, true, 403, "from_a_web_page"},
		{"Sec-Fetch-Site cross-site", "GET", f.url + "/Acme/x", map[string]string{"Sec-Fetch-Site": "cross-site"}, true, 403, "from_a_web_page"},
		{"CORS preflight", "OPTIONS", f.url + "/Acme/x", map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "DELETE"}, false, 403, "from_a_web_page"},
		{"dot-dot", "GET", f.url + "/Acme/%2e%2e/%2e%2e/etc", nil, true, 400, "bad_path"},
		{"encoded slash", "GET", f.url + "/Acme/a%2f..%2fb", nil, true, 400, "bad_path"},
		{"unknown account", "GET", f.url + "/Nobody/x", nil, true, 404, "unknown_account"},
		{"write without permission", "POST", f.url + "/Acme/x", nil, true, 403, "changes_not_allowed"},
		{"delete without permission", "DELETE", f.url + "/Acme/x", nil, true, 403, "changes_not_allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := send(tc.method, tc.target, tc.hdr, tc.key)
			if resp.StatusCode != tc.status || !strings.Contains(body, `"code":"`+tc.code+`"`) {
				t.Errorf("%s %s: %s %s; want %d %s", tc.method, tc.target, resp.Status, body, tc.status, tc.code)
			}
			if tc.status == 401 && resp.Header.Get("WWW-Authenticate") != `Basic realm="Tokentray", charset="UTF-8"` {
				t.Errorf("WWW-Authenticate %q", resp.Header.Get("WWW-Authenticate"))
			}
			if resp.Header.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("a CORS allowance: %q", resp.Header.Get("Access-Control-Allow-Origin"))
			}
			if strings.Contains(body, f.key) {
				t.Error("the answer holds the key")
			}
		})
	}
	t.Run("absolute-form target", func(t *testing.T) {
		if got := raw("GET " + up.url + "/api/v1/x HTTP/1.1"); !strings.HasPrefix(got, "400 ") || !strings.Contains(got, "not_a_proxy") {
			t.Errorf("absolute-form target: %s", got)
		}
	})
	t.Run("dot-dot as written", func(t *testing.T) {
		if got := raw("GET /Acme/../../x HTTP/1.1"); !strings.HasPrefix(got, "400 ") || !strings.Contains(got, "bad_path") {
			t.Errorf("/../ in the target: %s", got)
		}
	})
	if n := len(up.seen()); n != before {
		t.Fatalf("the upstream was called %d times by refused requests", n-before)
	}

	// What passes: the key stays behind, the token goes, links come back
	// through the gateway.
	resp, body := send("GET", f.url+"/Acme/things?"+gateway.KeyParam+"="+url.QueryEscape(f.key)+"&q=1", nil, false)
	if resp.StatusCode != 200 {
		t.Fatalf("allowed request: %s %s", resp.Status, body)
	}
	if want := `"self": "` + f.url + `/Acme/here"`; !strings.Contains(body, want) || !strings.Contains(body, "https://elsewhere.example/x") {
		t.Errorf("links in the answer: %s; want %s and the other site's as it was", body, want)
	}
	seen := up.seen()
	r := seen[len(seen)-1]
	if r.URL.Path != "/api/v1/things" || r.URL.RawQuery != "q=1" {
		t.Errorf("the upstream got %s?%s, want /api/v1/things?q=1", r.URL.Path, r.URL.RawQuery)
	}
	tok := f.token(acme.ID)
	if r.Header.Get("Authorization") != "Bearer "+tok.AccessToken || r.Header.Get(gateway.KeyHeader) != "" {
		t.Error("the upstream did not get the account's Bearer token alone")
	}
	if strings.Contains(r.URL.RawQuery, f.key) {
		t.Error("the key reached the upstream")
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("GET", f.url+"/Acme/moved", nil)
	req.Header.Set(gateway.KeyHeader, f.key)
	if resp, err := noFollow.Do(req); err != nil {
		t.Fatal(err)
	} else if resp.Body.Close(); resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != f.url+"/Acme/there?x=1" {
		t.Errorf("redirect: %s to %q, want 302 to %s/Acme/there?x=1 (the gateway's, not followed)", resp.Status, resp.Header.Get("Location"), f.url)
	}

	// Changes, once allowed.
	if err := f.app.GatewayAllow(ctx, acme.ID, true, false); err != nil {
		t.Fatal(err)
	}
	if resp, body := send("POST", f.url+"/Acme/x", nil, true); resp.StatusCode != 200 {
		t.Errorf("POST once allowed: %s %s", resp.Status, body)
	}
	f.noSecretIn(f.logs.String(), "the gateway's log")
}

// TestReconnectNeededThroughTheGateway: an account whose grant ended
// answers 409 with the account's state; no token is sent.
func TestReconnectNeededThroughTheGateway(t *testing.T) {
	f := newFixture(t, authtest.Config{})
	acct := f.clio("Work")
	ctx := context.Background()
	tok := f.token(acct.ID)
	if err := f.srv.Revoke(ctx, tok.RefreshToken); err != nil {
		t.Fatal(err)
	}
	resp, body := f.get(f.url + "/Work" + authtest.PathClioWhoAmI)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(string(body), "reconnect_needed") {
		t.Errorf("grant ended: %s %s", resp.Status, body)
	}
	resp, body = f.get(f.url + "/Work" + authtest.PathClioWhoAmI)
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("again: %s %s", resp.Status, body)
	}
}
