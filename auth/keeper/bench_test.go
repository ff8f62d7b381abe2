//go:build !windows

package keeper

import (
	"bufio"
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
)

// BenchmarkKeeperScale: 100 and 1,000 accounts (sub-benchmarks
// accounts=N) with 60 s tokens over a simulated 10-minute window stepped
// one second at a time (the keeper's clock moves; the scheduler's pass runs
// at every step, and 20 random accounts ask for a token at every step).
//
// The authorization server (testdata/windows/authserver, auth/authtest's
// fosite server) runs as a process of its own, so that every figure is the
// client's alone: the grants are obtained from it over HTTP
// (authorization code + PKCE), refreshes are counted on the client's side
// of the connection, CPU time is getrusage(RUSAGE_SELF) and allocations
// runtime.MemStats of this process only.
//
// Reports refreshes per account per token lifetime (target ≈ 1), tokens
// served expired (target 0), CPU time and allocations per refresh, and the
// bytes written to files per refresh: the growth of the process's wchar
// (/proc/self/io) less the bytes written on the HTTP connections, counted
// on the connections themselves. Run with -benchtime=1x.
func BenchmarkKeeperScale(b *testing.B) {
	storetest.RequireSession(b)
	bin := buildAuthServer(b)
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) { benchKeeperScale(b, bin, n) })
	}
}

func benchKeeperScale(b *testing.B, serverBin string, accounts int) {
	const (
		lifetime = 60 * time.Second
		window   = 10 * time.Minute
		step     = time.Second
		asks     = 20
	)
	for range b.N {
		b.StopTimer()
		srvURL := startAuthServer(b, serverBin, lifetime)
		f := newRemoteFixture(b, srvURL)
		f.freeze() // simulated time moves only by steps
		ids := make([]string, accounts)
		expiries := make([]time.Time, accounts)
		for i := range ids {
			ids[i] = "acct-" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676))
			// Stagger the expiries over one lifetime, as connections made
			// at different times would be.
			expiries[i] = f.now().Add(time.Duration(i) * lifetime / time.Duration(accounts))
		}
		f.seedRemote(srvURL, ids, expiries)
		wire := &benchWire{tokenPath: authtest.PathToken}
		k := f.keeper(func(c *Config) { c.HTTPClient = wire.client() })

		var ms0, ms1 runtime.MemStats
		var ru0, ru1 syscall.Rusage
		w0, ioErr := wchar()
		sent0, refreshes0 := wire.sent.Load(), wire.refreshes.Load()
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
		runtime.ReadMemStats(&ms0)
		b.StartTimer()

		expired := 0
		for t := time.Duration(0); t < window; t += step {
			f.offset.Add(int64(step))
			k.tick()
			for range asks {
				id := ids[rand.IntN(accounts)]
				tok, err := k.EnsureFresh(f.ctx, id, 0)
				if err != nil {
					b.Fatal(err)
				}
				if !tok.Expiry.After(f.now()) {
					expired++
				}
			}
		}

		b.StopTimer()
		runtime.ReadMemStats(&ms1)
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
		sent1, refreshes1 := wire.sent.Load(), wire.refreshes.Load()
		w1, err := wchar()
		if ioErr == nil {
			ioErr = err
		}
		refreshes := refreshes1 - refreshes0
		if n := wire.failures.Load(); n > 0 {
			b.Errorf("%d refresh requests failed", n)
		}
		if refreshes == 0 {
			b.Fatal("no refreshes")
		}
		cpu := time.Duration(ru1.Utime.Nano()+ru1.Stime.Nano()-ru0.Utime.Nano()-ru0.Stime.Nano()) * time.Nanosecond
		per := func(v float64) float64 { return v / float64(refreshes) }
		b.ReportMetric(float64(refreshes)/float64(accounts)/(float64(window)/float64(lifetime)), "refreshes/account/lifetime")
		b.ReportMetric(float64(expired), "served-expired")
		b.ReportMetric(per(float64(cpu.Microseconds())), "cpu-µs/refresh")
		b.ReportMetric(per(float64(ms1.Mallocs-ms0.Mallocs)), "allocs/refresh")
		if ioErr != nil {
			b.Logf("bytes written not measured: %v", ioErr)
		} else {
			b.ReportMetric(per(float64(w1-w0-(sent1-sent0))), "bytes-written/refresh")
			b.ReportMetric(per(float64(sent1-sent0)), "bytes-sent/refresh")
		}
		b.Logf("%d accounts, %d refreshes; files in the store now: %s", accounts, refreshes, storeFiles(f.st.Dir()))
		k.Close()
	}
}

// buildAuthServer builds testdata/windows/authserver into a temporary
// directory and returns the program's path.
func buildAuthServer(b *testing.B) string {
	b.Helper()
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		b.Fatalf("go list -m: %v", err)
	}
	bin := filepath.Join(b.TempDir(), "authserver")
	build := exec.Command("go", "build", "-o", bin, "./testdata/windows/authserver")
	build.Dir = strings.TrimSpace(string(root))
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build the authorization server: %v\n%s", err, out)
	}
	return bin
}

// startAuthServer runs the authorization server program with access tokens
// of lifetime and returns its URL; it is stopped (its standard input
// closed) when b ends.
func startAuthServer(b *testing.B, bin string, lifetime time.Duration) string {
	b.Helper()
	cmd := exec.Command(bin, "-lifetime", lifetime.String())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatalf("start the authorization server: %v", err)
	}
	exited := make(chan error, 1)
	lineCh := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lineCh <- strings.TrimSpace(line)
		io.Copy(io.Discard, stdout) //nolint:errcheck // it prints only its URL
		exited <- cmd.Wait()
	}()
	b.Cleanup(func() {
		stdin.Close() // it serves until its standard input closes
		select {
		case err := <-exited:
			if err != nil {
				b.Errorf("authorization server: %v\n%s", err, stderr.String())
			}
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
			b.Errorf("the authorization server did not stop when its input closed\n%s", stderr.String())
		}
	})
	var line string
	select {
	case line = <-lineCh:
	case <-time.After(30 * time.Second):
		b.Fatal("the authorization server printed no URL in 30 s")
	}
	if !strings.HasPrefix(line, "http://127.0.0.1:") {
		b.Fatalf("the authorization server printed %q, not its URL\n%s", line, stderr.String())
	}
	return line
}

// newRemoteFixture is a fixture (store on the real keyring, movable clock)
// whose provider is the authorization server at srvURL, in another
// process: f.srv is nil.
func newRemoteFixture(b *testing.B, srvURL string) *fixture {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	b.Cleanup(cancel)
	f := &fixture{t: b, ctx: ctx, st: storetest.Open(b)}
	// A rotating provider with a public client, as in newFixture.
	f.p = auth.Generic(srvURL+authtest.PathAuthorize, srvURL+authtest.PathToken)
	f.p.ClientID = authtest.PublicClientID
	return f
}

// seedRemote stores a grant obtained from the server at srvURL for each of
// ids, its access token taken to expire at expiries[i] (on the keeper's
// clock). The grants are fetched a few at a time.
func (f *fixture) seedRemote(srvURL string, ids []string, expiries []time.Time) {
	f.t.Helper()
	client := &http.Client{Timeout: 30 * time.Second}
	grants := make([]authtest.Tokens, len(ids))
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for range 4 {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(ids); i = int(next.Add(1)) - 1 {
				t, err := issueRemote(f.ctx, client, srvURL, "openid")
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
				grants[i] = t
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		f.t.Fatal(err)
	}
	now := f.now()
	for i, id := range ids {
		g := grants[i]
		storetest.Secret(f.t, g.AccessToken, g.RefreshToken)
		tok := &oauth2.Token{AccessToken: g.AccessToken, RefreshToken: g.RefreshToken, TokenType: "bearer", Expiry: expiries[i]}
		err := f.st.Update(f.ctx, func(tx *store.Tx) error {
			if err := tx.SaveToken(id, tok); err != nil {
				return err
			}
			// The granted scopes, as a connection records them: a refresh
			// then changes only the account's state.
			return tx.PutAccount(store.Account{ID: id, Provider: "generic", Name: id, Scopes: strings.Fields(g.Scope),
				Expiry: expiries[i], Connected: now, Status: StatusOK})
		})
		if err != nil {
			f.t.Fatal(err)
		}
	}
}

// issueRemote runs a whole authorization-code flow with PKCE for the public
// client against the server at srvURL, over HTTP: its authorize endpoint
// approves at once and redirects with a code, which is exchanged at its
// token endpoint.
func issueRemote(ctx context.Context, client *http.Client, srvURL string, scopes ...string) (authtest.Tokens, error) {
	raw := make([]byte, 32)
	crand.Read(raw)
	verifier := hex.EncodeToString(raw) // 64 characters, within RFC 7636's 43–128
	const redirect = "http://127.0.0.1:9/callback"
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {authtest.PublicClientID},
		"redirect_uri":          {redirect},
		"scope":                 {strings.Join(scopes, " ")},
		"state":                 {"bench-state-0123456789"},
		"code_challenge":        {authtest.Challenge(verifier)},
		"code_challenge_method": {"S256"},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srvURL+authtest.PathAuthorize+"?"+q.Encode(), nil)
	if err != nil {
		return authtest.Tokens{}, err
	}
	noFollow := *client
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.Do(req)
	if err != nil {
		return authtest.Tokens{}, err
	}
	io.Copy(io.Discard, resp.Body) //nolint:errcheck // the redirect's body
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	code := ""
	if err == nil {
		code = loc.Query().Get("code")
	}
	if code == "" {
		return authtest.Tokens{}, fmt.Errorf("authorize answered %d without a code", resp.StatusCode)
	}
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {redirect},
		"client_id":     {authtest.PublicClientID},
		"code_verifier": {verifier},
	}
	req, err = http.NewRequestWithContext(ctx, http.MethodPost, srvURL+authtest.PathToken, strings.NewReader(form.Encode()))
	if err != nil {
		return authtest.Tokens{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = client.Do(req)
	if err != nil {
		return authtest.Tokens{}, err
	}
	defer resp.Body.Close()
	var t authtest.Tokens
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&t); err != nil {
		return authtest.Tokens{}, fmt.Errorf("token response (%s): %w", resp.Status, err)
	}
	if resp.StatusCode != http.StatusOK || t.AccessToken == "" || t.RefreshToken == "" {
		return authtest.Tokens{}, errors.New("code exchange failed: " + resp.Status)
	}
	return t, nil
}

// benchWire is the keeper's HTTP client in the benchmark: it counts the
// refreshes (POSTs of grant_type=refresh_token to the token endpoint,
// answered 200) and every byte written on its connections.
type benchWire struct {
	tokenPath           string
	refreshes, failures atomic.Int64
	sent                atomic.Int64
}

func (w *benchWire) client() *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &countingConn{Conn: c, n: &w.sent}, nil
		},
		MaxIdleConns:        10,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     90 * time.Second,
	}
	return &http.Client{Timeout: 30 * time.Second, Transport: &countingTransport{w: w, base: tr}}
}

type countingTransport struct {
	w    *benchWire
	base http.RoundTripper
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	refresh := req.Method == http.MethodPost && req.URL.Path == t.w.tokenPath && isRefreshGrant(req)
	resp, err := t.base.RoundTrip(req)
	if refresh {
		if err == nil && resp.StatusCode == http.StatusOK {
			t.w.refreshes.Add(1)
		} else {
			t.w.failures.Add(1)
		}
	}
	return resp, err
}

// isRefreshGrant reports whether req's form body says
// grant_type=refresh_token, leaving the body to be sent.
func isRefreshGrant(req *http.Request) bool {
	var body []byte
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			return false
		}
		body, _ = io.ReadAll(io.LimitReader(rc, 64<<10))
		rc.Close()
	} else if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	for kv := range bytes.SplitSeq(body, []byte("&")) {
		if string(kv) == "grant_type=refresh_token" {
			return true
		}
	}
	return false
}

// countingConn adds every byte written on the connection to n.
type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c *countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// wchar is this process's count of bytes written by write(2) and its kin,
// to files, pipes and sockets alike (/proc/self/io).
func wchar() (int64, error) {
	data, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "wchar:"); ok {
			return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		}
	}
	return 0, errors.New("/proc/self/io has no wchar")
}

// storeFiles describes the files under dir: count and total size per
// top-level entry, for the log.
func storeFiles(dir string) string {
	type tally struct{ files, bytes int64 }
	by := map[string]*tally{}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error { //nolint:errcheck // for the log only
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		top, _, nested := strings.Cut(rel, string(filepath.Separator))
		if nested {
			top += "/"
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if by[top] == nil {
			by[top] = &tally{}
		}
		by[top].files++
		by[top].bytes += info.Size()
		return nil
	})
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(by)) {
		t := by[k]
		if t.files == 1 {
			parts = append(parts, fmt.Sprintf("%s %d B", k, t.bytes))
		} else {
			parts = append(parts, fmt.Sprintf("%s %d files, %d B each on average", k, t.files, t.bytes/t.files))
		}
	}
	return strings.Join(parts, "; ")
}
