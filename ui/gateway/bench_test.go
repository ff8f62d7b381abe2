package gateway_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/accounts"
	"github.com/tokentray/tokentray/ui/gateway"
)

// benchAccounts is gateway.Accounts for one account whose token is always
// fresh: what the gateway itself costs, without the keeper's and the
// store's share (no keyring, no session needed).
type benchAccounts struct {
	route gateway.Route
	tok   *auth.Token
}

func (a *benchAccounts) Route(name string) (gateway.Route, error) {
	if name != a.route.Account.Name {
		return gateway.Route{}, gateway.ErrUnknownAccount
	}
	return a.route, nil
}

func (a *benchAccounts) EnsureFresh(context.Context, string, time.Duration) (*auth.Token, error) {
	return a.tok, nil
}

func (a *benchAccounts) Renew(context.Context, string, string, time.Duration) (*auth.Token, error) {
	return a.tok, nil
}

const benchKey = "bench-gateway-key"

// fakeGateway is a gateway in front of upstream for the account "bench" of
// benchAccounts: the gateway's own cost alone.
func fakeGateway(b *testing.B, upstream string) (srv *gateway.Server, account, key string) {
	up, err := url.Parse(upstream)
	if err != nil {
		b.Fatal(err)
	}
	accts := &benchAccounts{
		route: gateway.Route{Account: store.Account{ID: "bench-id", Name: "bench"}, Upstream: up},
		tok:   &auth.Token{AccessToken: "bench-access-token", TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)},
	}
	keyOf := func(context.Context) (string, error) { return benchKey, nil }
	return gateway.New(gateway.Config{Accounts: accts, Key: keyOf, Logger: slog.New(slog.DiscardHandler)}), "bench", benchKey
}

// appGateway is the app's gateway (accounts.App.Gateway: the store, the
// keeper, the key sealed in the store) in front of upstream, for a Clio
// account "bench" connected at a test authorization server, its API base
// set to upstream. It needs the test session's keyring.
func appGateway(b *testing.B, upstream string) (srv *gateway.Server, account, key string) {
	storetest.RequireSession(b)
	as := authtest.NewServer(b, authtest.Config{AccessTokenLifespan: 8 * time.Hour})
	discard := slog.New(slog.DiscardHandler)
	app, err := accounts.Open(accounts.Options{Dir: b.TempDir(), Service: storetest.Service(b), Logger: discard})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { app.Close() })
	ctx := context.Background()
	p, _ := auth.PresetAt("clio-eu", as.URL)
	p.Redirect = auth.RedirectLoopback
	p.ClientID, p.ClientSecret = authtest.ClientID, authtest.ClientSecret
	if p, err = p.WithAPIBase(upstream); err != nil {
		b.Fatal(err)
	}
	if err := app.SaveProvider(ctx, p); err != nil {
		b.Fatal(err)
	}
	visit := func(u string) error {
		go authtest.Visit(context.Background(), u) //nolint:errcheck // the flow reports failures
		return nil
	}
	if _, err := app.Connect(ctx, "clio-eu", "bench", auth.ConnectOptions{Open: visit}); err != nil {
		b.Fatal(err)
	}
	if key, err = app.GatewayKey(ctx); err != nil {
		b.Fatal(err)
	}
	storetest.Secret(b, key)
	return app.Gateway(discard), "bench", key
}

// serveBench serves srv over real loopback HTTP (gateway.Listen,
// Server.Serve) until the benchmark ends, and returns its address:
// http://127.0.0.1:PORT.
func serveBench(b *testing.B, srv *gateway.Server) string {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	lns, err := gateway.Listen(ctx, 0)
	if err != nil {
		cancel()
		b.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, lns...) }() // ended by the cleanup
	b.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			b.Errorf("serve: %v", err)
		}
	})
	return "http://" + lns[0].Addr().String()
}

// clioPage is a JSON answer of about size bytes shaped like a page of
// Clio's matters, its paging links pointing at base (which the gateway
// rewrites to itself).
func clioPage(base string, size int) []byte {
	const head = `{"data":[{"id":1,"display_number":"00001-Bench","description":"`
	tail := fmt.Sprintf(`"}],"meta":{"records":1,"paging":{"next":"%s/api/v4/matters.json?page_token=abc&limit=1","previous":"%s/api/v4/matters.json?page_token=abb&limit=1"}}}`, base, base)
	return []byte(head + strings.Repeat("x", max(size-len(head)-len(tail), 0)) + tail)
}

// BenchmarkGatewayLatency: the latency the gateway adds to a request on
// loopback. An upstream on 127.0.0.1 answers a 1 KB JSON page shaped like
// Clio's, its paging links pointing at the upstream: the case the gateway
// is for, and its dearer one, since a JSON answer (up to
// DefaultMaxRewrite) is read whole to rewrite those links to the gateway,
// where an octet-stream answer is copied through. Each iteration asks for
// the page three ways, rotating which goes first, all on keep-alive
// connections, and records each duration: directly; through the gateway
// (gateway.Listen, Server.Serve, the key as a Basic password); and through
// a bare httputil.ReverseProxy on loopback, which does no more than point
// the request at the upstream: the floor of any proxy in between, its
// second HTTP exchange. Client, gateway and upstream share this process's
// cores.
//
// accounts=fake is the gateway's own cost: its accounts are a fake whose
// token is always fresh (benchAccounts). accounts=app is the app's gateway
// as it ships, which reads the key, the account and its token from the
// store for every request (it needs the test session's keyring).
//
// Reports the medians and 99th percentiles, the gateway's median less the
// direct one (added-p50-µs) and their ratio (ratio-p50). Run with
// -benchtime=2000x (make bench).
func BenchmarkGatewayLatency(b *testing.B) {
	b.Run("accounts=fake", func(b *testing.B) { benchLatency(b, fakeGateway) })
	b.Run("accounts=app", func(b *testing.B) { benchLatency(b, appGateway) })
}

func benchLatency(b *testing.B, gatewayFor func(*testing.B, string) (*gateway.Server, string, string)) {
	var page []byte
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(page)))
		w.Write(page) //nolint:errcheck // the client may be gone
	}))
	defer upstream.Close()
	page = clioPage(upstream.URL, 1024)
	srv, account, key := gatewayFor(b, upstream.URL)
	gw := serveBench(b, srv) + "/" + account
	up, _ := url.Parse(upstream.URL)
	bare := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(up) }})
	defer bare.Close()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	defer client.CloseIdleConnections()
	get := func(target string, withKey bool) time.Duration {
		req, err := http.NewRequest(http.MethodGet, target, nil)
		if err != nil {
			b.Fatal(err)
		}
		if withKey {
			req.SetBasicAuth("bench", key)
		}
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		took := time.Since(start)
		if err != nil || resp.StatusCode != http.StatusOK || n < int64(len(page)) {
			b.Fatalf("GET %s: %s, %d bytes, %v", target, resp.Status, n, err)
		}
		return took
	}
	const path = "/api/v4/matters.json?limit=1"
	ways := []struct {
		target string
		key    bool
		took   []time.Duration
	}{{target: upstream.URL + path}, {target: gw + path, key: true}, {target: bare.URL + path}}
	for range 50 { // connections opened, code paths warm
		for _, w := range ways {
			get(w.target, w.key)
		}
	}
	// The gateway's answer is the rewritten page: what is measured is the
	// JSON path.
	req, _ := http.NewRequest(http.MethodGet, gw+path, nil)
	req.SetBasicAuth("bench", key)
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || !bytes.Contains(got, []byte(`"next":"`+gw+`/api/v4/matters.json?`)) {
		b.Fatalf("the gateway's page has no link to the gateway (%v):\n%s", err, got)
	}
	b.ResetTimer()
	for i := range b.N {
		for j := range ways {
			w := &ways[(i+j)%len(ways)]
			w.took = append(w.took, get(w.target, w.key))
		}
	}
	b.StopTimer()
	for _, w := range ways {
		slices.Sort(w.took)
	}
	direct, through, floor := ways[0].took, ways[1].took, ways[2].took
	dp50, gp50 := micros(percentile(direct, 50)), micros(percentile(through, 50))
	b.ReportMetric(dp50, "direct-p50-µs")
	b.ReportMetric(gp50, "gateway-p50-µs")
	b.ReportMetric(gp50-dp50, "added-p50-µs")
	b.ReportMetric(gp50/dp50, "ratio-p50")
	b.ReportMetric(micros(percentile(direct, 99)), "direct-p99-µs")
	b.ReportMetric(micros(percentile(through, 99)), "gateway-p99-µs")
	b.ReportMetric(micros(percentile(floor, 50)), "bare-proxy-p50-µs")
	b.ReportMetric(micros(percentile(floor, 99)), "bare-proxy-p99-µs")
}

// percentile is the p-th percentile of sorted (nearest rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	return sorted[max(i-1, 0)]
}

func micros(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

// BenchmarkGatewayStream200MB: a 200 MB answer streamed through the
// gateway. The upstream writes it in 64 KB writes with no Content-Length;
// the client reads it through the gateway and discards it. A sampler reads
// this process's memory every 10 ms meanwhile: VmRSS (/proc/self/status,
// Linux) and the Go heap's objects (runtime/metrics, live and not yet
// collected), from a baseline taken after debug.FreeOSMemory. Client,
// gateway and upstream all run in this process, so the growth is an upper
// bound on the gateway's.
//
// answer=octet-stream is copied through as it comes. answer=json is the
// same bytes as application/json: the gateway reads up to
// DefaultMaxRewrite of a JSON answer to rewrite its links, and passes the
// rest on when it is larger, so it holds the first 16 MB.
//
// Reports rss-growth-MB and heap-growth-MB (largest during the transfer
// less before it; MB here is 2^20 bytes, as in 200 MB), MB/s, and
// first-byte-ms (from the request to the first byte of the body). It fails
// if the client's first byte came only after the upstream had written its
// last: the gateway held the whole answer back. Run with -benchtime=1x
// (make bench).
func BenchmarkGatewayStream200MB(b *testing.B) {
	b.Run("answer=octet-stream", func(b *testing.B) { benchStream(b, "application/octet-stream") })
	b.Run("answer=json", func(b *testing.B) { benchStream(b, "application/json") })
}

func benchStream(b *testing.B, contentType string) {
	const (
		size  = 200 << 20
		chunk = 64 << 10
	)
	wrote := make(chan time.Time, 1)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		buf := bytes.Repeat([]byte{'t'}, chunk)
		for n := 0; n < size; n += chunk {
			if _, err := w.Write(buf); err != nil {
				return
			}
		}
		select {
		case wrote <- time.Now():
		default:
		}
	}))
	defer upstream.Close()
	srv, account, key := fakeGateway(b, upstream.URL)
	gw := serveBench(b, srv) + "/" + account
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()

	var rssGrowth, heapGrowth, firstByte, mbps []float64
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		select {
		case <-wrote: // from an earlier run
		default:
		}
		debug.FreeOSMemory() // what an earlier run left is not counted
		before := sampleMemory()
		stop, peak := make(chan struct{}), make(chan memory, 1)
		go func() { // stopped below, before the figures are read
			most := before
			tick := time.NewTicker(10 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-tick.C:
					most = most.max(sampleMemory())
				case <-stop:
					peak <- most.max(sampleMemory())
					return
				}
			}
		}()
		b.StartTimer()

		req, err := http.NewRequest(http.MethodGet, gw+"/export", nil)
		if err != nil {
			b.Fatal(err)
		}
		req.SetBasicAuth("bench", key)
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body := bufio.NewReaderSize(resp.Body, chunk)
		if _, err := body.Peek(1); err != nil {
			b.Fatalf("first byte: %v", err)
		}
		first := time.Now()
		n, err := io.Copy(io.Discard, body)
		resp.Body.Close()
		took := time.Since(start)

		b.StopTimer()
		close(stop)
		most := <-peak
		if err != nil || resp.StatusCode != http.StatusOK || n != size {
			b.Fatalf("%s, %d bytes, %v", resp.Status, n, err)
		}
		if done := <-wrote; !first.Before(done) {
			b.Errorf("the first byte came %v after the upstream wrote its last: the answer was held back", first.Sub(done))
		}
		if most.rss > 0 {
			rssGrowth = append(rssGrowth, float64(most.rss-before.rss)/(1<<20))
		}
		heapGrowth = append(heapGrowth, float64(most.heap-before.heap)/(1<<20))
		firstByte = append(firstByte, float64(first.Sub(start).Microseconds())/1000)
		mbps = append(mbps, size/(1<<20)/took.Seconds())
		b.StartTimer()
	}
	if len(rssGrowth) > 0 {
		b.ReportMetric(slices.Max(rssGrowth), "rss-growth-MB")
	}
	b.ReportMetric(slices.Max(heapGrowth), "heap-growth-MB")
	b.ReportMetric(median(firstByte), "first-byte-ms")
	b.ReportMetric(median(mbps), "MB/s")
}

func median(v []float64) float64 {
	v = slices.Clone(v)
	slices.Sort(v)
	return v[len(v)/2]
}

// memory is a sample of this process's memory, in bytes: its resident
// set (0 where /proc/self/status is not there) and its Go heap objects.
type memory struct{ rss, heap uint64 }

func (m memory) max(o memory) memory { return memory{max(m.rss, o.rss), max(m.heap, o.heap)} }

func sampleMemory() memory {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	m := memory{heap: s[0].Value.Uint64()}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return m
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok { // "VmRSS:   12345 kB"
			if f := strings.Fields(v); len(f) > 0 {
				kb, _ := strconv.ParseUint(f[0], 10, 64)
				m.rss = kb << 10
			}
		}
	}
	return m
}
