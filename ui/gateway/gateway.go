// Package gateway is Tokentray's local gateway: a reverse proxy on this
// computer's loopback addresses through which a tool that cannot run a
// command (Excel's Power Query, Power BI, Postman) or a script calls an
// account's service without ever holding its token. A request to
//
//	http://127.0.0.1:PORT/ACCOUNT/PATH
//
// goes to the account's API base (Route.Upstream) + PATH, with the caller's
// Authorization replaced by a fresh "Bearer" access token, and the answer
// streams back. For the Claude wrapper (Route.Wrapper) the fresh
// credentials go into the JSON body of POST /v1/messages instead, as its
// oauth_credentials.
//
// Tokens come only from the keeper, through Accounts: EnsureFresh before
// each request, Renew when the service refuses the token it was given.
// The gateway never writes a token and never logs one.
//
// Who may call it: whoever has the gateway key (Config.Key), given as the
// password of HTTP Basic authentication (any user name: what Power Query
// and Power BI store as a "Basic" credential), as the X-Tokentray-Key
// header, or as the tokentray_key query parameter (Power Query's "Web API"
// key). Web pages may not: a request whose Host is not the gateway's own
// loopback address (DNS rebinding), that a browser marks as coming from a
// page (Origin, Sec-Fetch-Site), or that is a CORS preflight is refused
// before the key is looked at. It is never an open proxy: a request goes
// only to its account's upstream, whatever its target, path or Host say.
//
// The package has no Fyne and no cgo: the desktop app serves it, and so
// does `tokentray gateway run` on a machine without a desktop.
package gateway

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
)

// DefaultPort is the port the gateway asks for first.
const DefaultPort = 8765

// Defaults of Config.
const (
	DefaultMinValid  = time.Minute
	DefaultMaxReplay = 10 << 20
	// DefaultMaxRewrite is the largest JSON answer whose links to the
	// upstream are rewritten to the gateway (Clio's paging: a page is a
	// few kilobytes); a larger one passes as it is, so that a long JSON
	// stream is neither held back nor kept in memory.
	DefaultMaxRewrite = 2 << 20
)

// KeyParam is the query parameter that may carry the gateway key.
const KeyParam = "tokentray_key"

// KeyHeader is the request header that may carry the gateway key.
const KeyHeader = "X-Tokentray-Key"

// Route is where one account's requests go.
type Route struct {
	// Account is the account the request named (by name or ID).
	Account store.Account
	// Upstream is the account's API base: scheme, host and a base path
	// (without a trailing slash). A request's path is appended to it.
	Upstream *url.URL
	// Wrapper: the upstream is a Claude wrapper, which takes the account's
	// credentials as oauth_credentials in the JSON body of POST
	// /v1/messages (its access and refresh tokens: the user turned this on
	// for the account knowingly), not as a Bearer token.
	Wrapper bool
	// Writes: the user allowed changes (POST, PUT, PATCH, DELETE) through
	// the gateway for this account. Without it only GET and HEAD pass (and
	// the wrapper's POST /v1/messages).
	Writes bool
}

// Accounts is what the gateway needs of the accounts app
// (*accounts.App satisfies it). Route errors that match ErrUnknownAccount
// or ErrNoUpstream are said as such; EnsureFresh and Renew are the
// keeper's.
type Accounts interface {
	Route(name string) (Route, error)
	EnsureFresh(ctx context.Context, id string, minValid time.Duration) (*auth.Token, error)
	Renew(ctx context.Context, id, stale string, minValid time.Duration) (*auth.Token, error)
}

// Errors that Accounts.Route returns (wrapped or matched with errors.Is).
var (
	// ErrUnknownAccount: no account has that name or ID.
	ErrUnknownAccount = errors.New("no such account")
	// ErrNoUpstream: the account's provider has no API address set (a
	// custom provider before its API base URL is entered).
	ErrNoUpstream = errors.New("no API address set for this account's provider")
	// ErrWrapperOff: the account's upstream is a Claude wrapper, and the
	// user has not allowed the gateway to send it the account's
	// credentials (its refresh token among them).
	ErrWrapperOff = errors.New("sending this account's credentials to the Claude wrapper is not allowed")
)

// Config configures a gateway. Accounts and Key are required.
type Config struct {
	Accounts Accounts
	// Key returns the gateway key (see the package doc), asked for each
	// request that gives one, so that a new key takes effect at once.
	// Required: while it fails or returns "", every request is refused.
	Key func(context.Context) (string, error)
	// MinValid is how long a token must stay valid to be sent; default
	// DefaultMinValid.
	MinValid time.Duration
	// MaxReplay is the largest request body kept so that the request can
	// be sent again after a refresh (and the wrapper's body, which is
	// rewritten); default DefaultMaxReplay. A larger body is streamed, and
	// a 401 answer to it is passed on.
	MaxReplay int64
	// MaxRewrite: see DefaultMaxRewrite.
	MaxRewrite int64
	// Transport sends the requests upstream; default a clone of
	// http.DefaultTransport. Redirects are never followed.
	Transport http.RoundTripper
	// Logger receives one line per request (method, account, path without
	// its query, status) and none of its secrets; default slog.Default().
	Logger *slog.Logger
}

// Server is a gateway. Its ServeHTTP may be called concurrently; Serve
// runs it on listeners.
type Server struct {
	cfg   Config
	proxy *httputil.ReverseProxy

	mu    sync.Mutex
	ports map[string]bool // "host:port" values a request's Host may have
	fails failures
}

// New returns a gateway for cfg. It accepts requests for the addresses
// of the listeners given to Serve (Allow adds others).
func New(cfg Config) *Server {
	if cfg.MinValid <= 0 {
		cfg.MinValid = DefaultMinValid
	}
	if cfg.MaxReplay <= 0 {
		cfg.MaxReplay = DefaultMaxReplay
	}
	if cfg.MaxRewrite <= 0 {
		cfg.MaxRewrite = DefaultMaxRewrite
	}
	if cfg.Transport == nil {
		cfg.Transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{cfg: cfg, ports: map[string]bool{}}
	s.proxy = &httputil.ReverseProxy{
		Rewrite:        s.rewrite,
		Transport:      &bearer{s: s},
		ModifyResponse: s.modifyResponse,
		ErrorHandler:   s.proxyError,
		ErrorLog:       slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	return s
}

// Allow makes the gateway accept requests whose Host is addr ("127.0.0.1:8765"):
// Serve does it for its listeners' addresses, and, for each, localhost
// with the same port.
func (s *Server) Allow(addr string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ports[net.JoinHostPort(host, port)] = true
	s.ports[net.JoinHostPort("localhost", port)] = true
}

// Listen listens on port of both loopback addresses, 127.0.0.1 and ::1
// (the latter only where the system has IPv6). Port 0 picks a free port
// for 127.0.0.1 and the same one for ::1.
func Listen(ctx context.Context, port int) ([]net.Listener, error) {
	var lc net.ListenConfig
	l4, err := lc.Listen(ctx, "tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, err
	}
	port = l4.Addr().(*net.TCPAddr).Port
	l6, err := lc.Listen(ctx, "tcp6", net.JoinHostPort("::1", strconv.Itoa(port)))
	if err != nil {
		if isAddrInUse(err) {
			l4.Close()
			return nil, err
		}
		// No IPv6 loopback on this system: 127.0.0.1 alone.
		return []net.Listener{l4}, nil
	}
	return []net.Listener{l4, l6}, nil
}

// Serve serves the gateway on lns until ctx is done, then shuts down,
// giving requests in flight up to 5 seconds. It closes the listeners.
func (s *Server) Serve(ctx context.Context, lns ...net.Listener) error {
	for _, l := range lns {
		s.Allow(l.Addr().String())
	}
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	errs := make(chan error, len(lns))
	for _, l := range lns {
		go func() { errs <- srv.Serve(l) }() // ends when srv shuts down
	}
	var err error
	select {
	case <-ctx.Done():
	case err = <-errs:
	}
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if serr := srv.Shutdown(shut); serr != nil {
		srv.Close()
	}
	for range len(lns) - boolInt(err != nil) {
		<-errs
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// routeKey carries a request's route to the transport.
type routeKey struct{}

// ServeHTTP refuses what the gateway must not serve, then proxies the rest.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w}
	account, path, ok := s.admit(rec, r)
	if !ok {
		s.logRequest(r, account, path, rec.status)
		return
	}
	route, err := s.cfg.Accounts.Route(account)
	switch {
	case errors.Is(err, ErrUnknownAccount):
		s.fail(rec, http.StatusNotFound, "unknown_account", msgUnknownAccount, map[string]any{"Name": account})
	case errors.Is(err, ErrNoUpstream):
		s.fail(rec, http.StatusNotFound, "no_api_address", msgNoUpstream, map[string]any{"Name": account})
	case errors.Is(err, ErrWrapperOff):
		s.fail(rec, http.StatusForbidden, "wrapper_not_allowed", msgWrapperOff, map[string]any{"Name": account})
	case err != nil:
		s.cfg.Logger.Warn("gateway: cannot read the accounts", "err", err)
		s.fail(rec, http.StatusInternalServerError, "accounts_unreadable", msgAccountsUnreadable, nil)
	case !allowed(route, r.Method, path):
		s.fail(rec, http.StatusForbidden, "changes_not_allowed", msgNoWrites, map[string]any{"Method": r.Method, "Name": route.Account.Name})
	default:
		ctx := context.WithValue(r.Context(), routeKey{}, &proxied{route: route, path: path, prefix: "/" + url.PathEscape(account)})
		s.proxy.ServeHTTP(rec, r.WithContext(ctx))
	}
	s.logRequest(r, account, path, rec.status)
}

// admit checks a request before anything of an account is touched: its
// form, where it comes from, its key, its path. It answers refusals itself
// and returns the account named and the path to forward.
func (s *Server) admit(w http.ResponseWriter, r *http.Request) (account, path string, ok bool) {
	// An absolute-form target (http://elsewhere/…, as sent to a forward
	// proxy) or CONNECT: the gateway is not an open proxy.
	if r.Method == http.MethodConnect || !strings.HasPrefix(r.RequestURI, "/") {
		s.fail(w, http.StatusBadRequest, "not_a_proxy", msgNotAProxy, nil)
		return "", "", false
	}
	// DNS rebinding: a page of evil.example whose name now points at
	// 127.0.0.1 still says Host: evil.example.
	if !s.hostAllowed(r.Host) {
		s.fail(w, http.StatusMisdirectedRequest, "wrong_host", msgWrongHost, nil)
		return "", "", false
	}
	// Browsers mark what a page sends; tools send neither, or
	// Sec-Fetch-Site: none (an address typed by the user).
	if r.Method == http.MethodOptions || r.Header.Get("Origin") != "" ||
		(r.Header.Get("Sec-Fetch-Site") != "" && r.Header.Get("Sec-Fetch-Site") != "none") {
		s.fail(w, http.StatusForbidden, "from_a_web_page", msgFromAPage, nil)
		return "", "", false
	}
	if !s.keyOK(w, r) {
		return "", "", false
	}
	account, path, ok = splitPath(r.URL)
	if !ok {
		s.fail(w, http.StatusBadRequest, "bad_path", msgBadPath, nil)
		return "", "", false
	}
	if account == "" {
		s.fail(w, http.StatusNotFound, "no_account", msgNoAccount, nil)
		return "", "", false
	}
	return account, path, true
}

func (s *Server) hostAllowed(host string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ports[strings.ToLower(host)]
}

// keyOK checks the gateway key in constant time, and answers a request
// without it (or with a wrong one) itself, slowed down after repeated
// failures.
func (s *Server) keyOK(w http.ResponseWriter, r *http.Request) bool {
	given, ok := requestKey(r)
	if ok {
		key, err := s.cfg.Key(r.Context())
		if err != nil {
			s.cfg.Logger.Warn("gateway: cannot read the gateway key", "err", err)
			s.fail(w, http.StatusServiceUnavailable, "key_unreadable", msgKeyUnreadable, nil)
			return false
		}
		got, want := sha256.Sum256([]byte(given)), sha256.Sum256([]byte(key))
		if subtle.ConstantTimeCompare(got[:], want[:]) == 1 && key != "" {
			s.fails.reset()
			return true
		}
		if err := s.fails.wait(r.Context()); err != nil {
			return false
		}
	}
	w.Header().Set("WWW-Authenticate", `Basic realm="Tokentray", charset="UTF-8"`)
	if ok {
		s.fail(w, http.StatusUnauthorized, "wrong_key", msgWrongKey, nil)
	} else {
		s.fail(w, http.StatusUnauthorized, "no_key", msgNoKey, nil)
	}
	return false
}

// requestKey finds the gateway key in one of its three places.
func requestKey(r *http.Request) (string, bool) {
	if _, pass, ok := r.BasicAuth(); ok {
		return pass, true
	}
	if k := r.Header.Get(KeyHeader); k != "" {
		return k, true
	}
	if k := r.URL.Query().Get(KeyParam); k != "" {
		return k, true
	}
	return "", false
}

// splitPath splits /ACCOUNT/REST into the account's name (unescaped) and
// the path to forward ("/REST", escaped as sent). A path that could reach
// past the account's API base is refused: a "." or ".." segment, also
// escaped, an escaped slash or backslash, a backslash.
func splitPath(u *url.URL) (account, path string, ok bool) {
	raw := u.EscapedPath()
	lower := strings.ToLower(raw)
	if strings.Contains(lower, "%2f") || strings.Contains(lower, "%5c") || strings.Contains(raw, `\`) {
		return "", "", false
	}
	segs := strings.Split(strings.TrimPrefix(raw, "/"), "/")
	for _, seg := range segs {
		dec, err := url.PathUnescape(seg)
		if err != nil || dec == "." || dec == ".." {
			return "", "", false
		}
	}
	account, err := url.PathUnescape(segs[0])
	if err != nil {
		return "", "", false
	}
	if len(segs) == 1 {
		return account, "/", true
	}
	return account, "/" + strings.Join(segs[1:], "/"), true
}

// allowed says whether method may go to the route's upstream.
func allowed(r Route, method, path string) bool {
	switch method {
	case http.MethodGet, http.MethodHead:
		return true
	case http.MethodPost:
		return r.Writes || (r.Wrapper && path == wrapperPath)
	case http.MethodPut, http.MethodPatch, http.MethodDelete:
		return r.Writes
	}
	return false
}

// proxied is what the proxy's hooks know of a request.
type proxied struct {
	route  Route
	path   string // escaped, from "/"
	prefix string // the gateway's path of the account: "/work"
	// gateway is the origin the client called ("http://127.0.0.1:8765").
	gateway string
}

// rewrite points the outgoing request at the account's upstream: only
// there, whatever the incoming request said.
func (s *Server) rewrite(pr *httputil.ProxyRequest) {
	p := pr.In.Context().Value(routeKey{}).(*proxied)
	p.gateway = "http://" + pr.In.Host
	up := p.route.Upstream
	out := pr.Out
	out.URL = &url.URL{
		Scheme:  up.Scheme,
		Host:    up.Host,
		Path:    strings.TrimSuffix(up.Path, "/") + mustUnescape(p.path),
		RawPath: strings.TrimSuffix(up.EscapedPath(), "/") + p.path,
	}
	q := pr.In.URL.Query()
	if q.Has(KeyParam) {
		q.Del(KeyParam)
		out.URL.RawQuery = q.Encode()
	} else {
		out.URL.RawQuery = pr.In.URL.RawQuery
	}
	out.Host = ""
	for _, h := range []string{"Authorization", KeyHeader, "Cookie", "Proxy-Authorization", "Forwarded",
		"X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto"} {
		out.Header.Del(h)
	}
	// The transport asks for (and undoes) its own compression, so that
	// the answer's links can be rewritten.
	out.Header.Del("Accept-Encoding")
}

func mustUnescape(p string) string {
	u, err := url.PathUnescape(p)
	if err != nil {
		return p // splitPath checked every segment
	}
	return u
}

// statusRecorder remembers the status written, for the log line; it
// passes Flush on, so streamed answers stay streamed.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// logRequest says what was asked and answered, never a secret: the path
// without its query (which may hold the key).
func (s *Server) logRequest(r *http.Request, account, path string, status int) {
	s.cfg.Logger.Info("gateway", "method", r.Method, "account", account, "path", path, "status", status)
}

// failures slows down guessing: after each wrong key, the next check waits
// longer (up to 2 s); a right key resets it.
type failures struct {
	mu   sync.Mutex
	n    int
	last time.Time
}

func (f *failures) wait(ctx context.Context) error {
	f.mu.Lock()
	if time.Since(f.last) > time.Minute {
		f.n = 0
	}
	f.n++
	f.last = time.Now()
	n := f.n
	f.mu.Unlock()
	if n <= 1 {
		return nil
	}
	d := min(time.Duration(1<<min(n-2, 5))*125*time.Millisecond, 2*time.Second)
	t := time.NewTimer(d) // rate limiting, not synchronisation
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (f *failures) reset() {
	f.mu.Lock()
	f.n = 0
	f.mu.Unlock()
}
