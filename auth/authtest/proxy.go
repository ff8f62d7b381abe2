package authtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Fault is what a Proxy does to one request. The zero Fault forwards the
// request unchanged.
type Fault struct {
	// Delay waits this long before anything else; the request is not
	// forwarded if the client gave up meanwhile.
	Delay time.Duration
	// Upstream forwards the request to the server first (the server acts on
	// it: a refresh token is rotated), then applies the rest of the fault
	// to the answer instead of delivering it.
	Upstream bool
	// Reset closes the connection with a TCP reset instead of answering.
	Reset bool
	// Status, Header and Body are answered instead of the server's answer
	// (Status 0: no canned answer).
	Status int
	Header http.Header
	Body   []byte
	// Truncate, with Upstream, delivers only the first Truncate bytes of the
	// server's answer (its full Content-Length announced), then closes.
	Truncate int
	// Handler, when set, answers instead of the server, once the request
	// has been read: for answers no spec-compliant server gives, or to act
	// at the moment the request arrives.
	Handler http.HandlerFunc
}

// Canned faults.
var (
	FaultReset = Fault{Reset: true}
	// FaultDropAfterRotation lets the server rotate the refresh token, then
	// resets the connection: the client never sees the new one.
	FaultDropAfterRotation = Fault{Upstream: true, Reset: true}
	// FaultCutAfterRotation lets the server rotate the refresh token, then
	// delivers only the first 40 bytes of its answer.
	FaultCutAfterRotation = Fault{Upstream: true, Truncate: 40}
	FaultMalformedJSON    = Fault{Status: http.StatusOK, Header: jsonHeader(),
		Body: []byte(`{"access_token": "x", "token_type": bearer, }`)}
	FaultTruncatedJSON = Fault{Status: http.StatusOK, Header: jsonHeader(), Truncate: 30,
		Body: []byte(`{"access_token":"abcdefghijklmnop","token_type":"bearer","expires_in":3600}`)}
	FaultHTMLPage = Fault{Status: http.StatusBadGateway, Header: htmlHeader(), Body: htmlPage}
	// FaultHTMLPage200 is a captive portal or a misconfigured proxy: an
	// HTML page with status 200.
	FaultHTMLPage200 = Fault{Status: http.StatusOK, Header: htmlHeader(), Body: htmlPage}
)

var htmlPage = []byte("<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>" +
	"<body><h1>Bad Gateway</h1><script>alert(1)</script></body></html>")

func htmlHeader() http.Header { return http.Header{"Content-Type": {"text/html; charset=utf-8"}} }

// FaultStatus answers status with an RFC 6749-shaped error body; retryAfter,
// if not empty, is sent as the Retry-After header.
func FaultStatus(status int, retryAfter string) Fault {
	h := jsonHeader()
	if retryAfter != "" {
		h.Set("Retry-After", retryAfter)
	}
	return Fault{Status: status, Header: h, Body: []byte(`{"error":"server_error","error_description":"injected"}`)}
}

// FaultHugeBody answers 200 with a JSON body of n bytes that never ends its
// access_token string before the limit.
func FaultHugeBody(n int) Fault {
	b := make([]byte, n)
	copy(b, `{"access_token":"`)
	for i := len(`{"access_token":"`); i < n; i++ {
		b[i] = 'A'
	}
	return Fault{Status: http.StatusOK, Header: jsonHeader(), Body: b}
}

func jsonHeader() http.Header { return http.Header{"Content-Type": {"application/json"}} }

// Proxy is a fault-injecting HTTP proxy on 127.0.0.1 in front of a Server:
// point a provider's endpoints at Proxy.URL instead of Server.URL. Requests
// to a path with queued faults get the next one; all others are forwarded.
// It records the tokens it delivered in full. Safe for concurrent use.
type Proxy struct {
	URL string

	target *url.URL
	srv    *http.Server
	ln     net.Listener
	client *http.Client

	mu        sync.Mutex
	faults    map[string][]Fault
	delivered []Delivered
	written   map[string]int64 // path → body bytes of the last answer written
}

// Delivered is a token answer the proxy delivered to the client in full.
type Delivered struct {
	Path                      string
	AccessToken, RefreshToken string
}

// NewProxy starts a proxy to target (a Server's URL) and closes it when the
// test ends.
func NewProxy(t TB, target string) *Proxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatalf("proxy target: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proxy listen: %v", err)
	}
	p := &Proxy{
		URL: "http://" + ln.Addr().String(), target: u, ln: ln,
		client:  &http.Client{Timeout: 30 * time.Second},
		faults:  map[string][]Fault{},
		written: map[string]int64{},
	}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(discard{}, "", 0)}
	go p.srv.Serve(ln) //nolint:errcheck // ends at Close
	t.Cleanup(p.Close)
	return p
}

// Close stops the proxy.
func (p *Proxy) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.srv.Shutdown(ctx); err != nil {
		p.srv.Close()
	}
}

// Inject queues faults for the next requests to path, one each.
func (p *Proxy) Inject(path string, faults ...Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults[path] = append(p.faults[path], faults...)
}

// Pending is how many injected faults are still queued for path.
func (p *Proxy) Pending(path string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.faults[path])
}

// Delivered returns the token answers delivered in full, oldest first.
func (p *Proxy) Delivered() []Delivered {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Delivered(nil), p.delivered...)
}

// Written is how many body bytes the last answer on path got written to
// the client before it stopped reading (or all of them).
func (p *Proxy) Written(path string) int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.written[path]
}

func (p *Proxy) next(path string) (Fault, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	q := p.faults[path]
	if len(q) == 0 {
		return Fault{}, false
	}
	p.faults[path] = q[1:]
	return q[0], true
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, _ := p.next(r.URL.Path)
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if f.Handler != nil {
		io.Copy(io.Discard, io.LimitReader(r.Body, maxBody)) //nolint:errcheck // read as a server would
		f.Handler(w, r)
		return
	}
	var (
		status int
		header http.Header
		body   []byte
	)
	if f.Upstream || (f.Status == 0 && !f.Reset) {
		var err error
		status, header, body, err = p.forward(r)
		if err != nil {
			http.Error(w, "proxy: "+err.Error(), http.StatusBadGateway)
			return
		}
	}
	switch {
	case f.Reset:
		reset(w)
		return
	case f.Status != 0:
		status, header, body = f.Status, f.Header, f.Body
	}
	for k, v := range header {
		if k != "Content-Length" {
			w.Header()[k] = v
		}
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	out := body
	if f.Truncate > 0 && f.Truncate < len(body) {
		out = body[:f.Truncate]
	}
	w.WriteHeader(status)
	n, err := w.Write(out)
	p.mu.Lock()
	p.written[r.URL.Path] = int64(n)
	p.mu.Unlock()
	if len(out) < len(body) {
		reset(w) // the rest never comes
		return
	}
	if err == nil && status == http.StatusOK {
		if rc := http.NewResponseController(w); rc.Flush() == nil {
			p.record(r.URL.Path, header, body)
		}
	}
}

// forward sends r to the server and reads its whole answer.
func (p *Proxy) forward(r *http.Request) (int, http.Header, []byte, error) {
	in, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return 0, nil, nil, err
	}
	u := *p.target
	u.Path, u.RawQuery = r.URL.Path, r.URL.RawQuery
	req, err := http.NewRequestWithContext(context.WithoutCancel(r.Context()), r.Method, u.String(), bytes.NewReader(in))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header = r.Header.Clone()
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, body, err
}

// record notes the tokens of a delivered token answer (JSON or form).
func (p *Proxy) record(path string, h http.Header, body []byte) {
	d := Delivered{Path: path}
	if strings.HasPrefix(h.Get("Content-Type"), "application/x-www-form-urlencoded") {
		v, _ := url.ParseQuery(string(body))
		d.AccessToken, d.RefreshToken = v.Get("access_token"), v.Get("refresh_token")
	} else {
		var v struct {
			AccessToken  string `json:"access_token"`
			RefreshToken string `json:"refresh_token"`
		}
		if json.Unmarshal(body, &v) != nil {
			return
		}
		d.AccessToken, d.RefreshToken = v.AccessToken, v.RefreshToken
	}
	if d.AccessToken == "" && d.RefreshToken == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.delivered = append(p.delivered, d)
}

// reset closes the client's connection with a TCP RST.
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0) //nolint:errcheck
	}
	conn.Close()
}
