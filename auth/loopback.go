package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"
)

// loopback is the redirect listener of RFC 8252 §7.3: one or two listeners
// on loopback addresses only, one port, one path.
type loopback struct {
	listeners   []net.Listener
	redirectURL string
	path        string
}

// listenLoopback binds the provider's redirect address. "localhost" binds
// both 127.0.0.1 and [::1] (browsers resolve it either way); a zero port
// takes any free port, the same one on both addresses.
func listenLoopback(p Provider) (*loopback, error) {
	host := p.RedirectHost
	if host == "" {
		host = "127.0.0.1"
	}
	path := p.RedirectPath
	if path == "" {
		path = "/callback"
	}
	var addrs []string
	switch host {
	case "localhost":
		addrs = []string{"127.0.0.1", "::1"}
	case "[::1]", "::1":
		host, addrs = "[::1]", []string{"::1"}
	default:
		ip := net.ParseIP(host)
		if ip == nil || !ip.IsLoopback() {
			return nil, &Error{Kind: KindMisconfigured, Op: "connect",
				Err: errors.New("redirect host " + strconv.Quote(host) + " is not a loopback address")}
		}
		addrs = []string{host}
	}
	const attempts = 5 // a random port free on 127.0.0.1 may be taken on ::1
	var lastErr error
	for range attempts {
		lns, err := listenAll(addrs, p.RedirectPort)
		if err == nil {
			port := lns[0].Addr().(*net.TCPAddr).Port
			return &loopback{
				listeners:   lns,
				redirectURL: "http://" + net.JoinHostPort(trimBrackets(host), strconv.Itoa(port)) + path,
				path:        path,
			}, nil
		}
		lastErr = err
		if p.RedirectPort != 0 {
			break
		}
	}
	if addrInUse(lastErr) {
		e := &Error{Kind: KindPortBusy, Op: "connect", Port: p.RedirectPort, Err: lastErr}
		if p.RedirectPort != 0 {
			e.Holder = portHolder(p.RedirectPort)
		}
		return nil, e
	}
	return nil, &Error{Kind: KindUnknown, Op: "connect", Err: lastErr}
}

func trimBrackets(h string) string {
	if len(h) > 1 && h[0] == '[' && h[len(h)-1] == ']' {
		return h[1 : len(h)-1]
	}
	return h
}

// listenAll listens on each address with one port. An IPv6 address that
// this machine does not have (no IPv6 at all) is skipped when another
// address is bound.
func listenAll(addrs []string, port int) ([]net.Listener, error) {
	var lns []net.Listener
	closeAll := func() {
		for _, l := range lns {
			l.Close()
		}
	}
	for i, a := range addrs {
		ln, err := net.Listen("tcp", net.JoinHostPort(a, strconv.Itoa(port)))
		if err != nil {
			if i > 0 && !errors.Is(err, syscall.EADDRINUSE) {
				continue // e.g. EADDRNOTAVAIL: no ::1 here
			}
			closeAll()
			return nil, err
		}
		lns = append(lns, ln)
		if port == 0 {
			port = ln.Addr().(*net.TCPAddr).Port
		}
	}
	return lns, nil
}

// wait serves the redirect until one request carries the right state, then
// returns its code, or a declined/error result, or the context's end. A
// request with the wrong state answers 400 and the wait goes on (RFC 6749
// §10.12). It owns its goroutines: all have stopped when it returns.
func (lb *loopback) wait(ctx context.Context, state string, log *slog.Logger) (string, error) {
	results := make(chan callbackResult, 1)
	var once sync.Once
	deliver := func(r callbackResult) { once.Do(func() { results <- r }) }
	mux := http.NewServeMux()
	mux.Handle(lb.path, callbackHandler(state, log, deliver))
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}

	var res callbackResult
	g, gctx := errgroup.WithContext(ctx)
	for _, ln := range lb.listeners {
		g.Go(func() error {
			if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		})
	}
	g.Go(func() error {
		select {
		case res = <-results:
		case <-gctx.Done():
			res.err = gctx.Err()
		}
		// Let the browser receive its page, but do not hang on it.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			srv.Close()
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		res.err = err // a listener failed: that, not the cancellation it caused
	}
	return res.code, res.err
}

// callbackResult is what the redirect brought: a code, or an error.
type callbackResult struct {
	code string
	err  error
}

// callbackHandler answers the browser's redirect to the loopback listener:
// with the right state, a code or an error is delivered (the first one
// wins); with a wrong or missing state, 400 and nothing is delivered. The
// pages it answers reflect nothing of the request; they are in the
// language of the Wording the request's context carries (wait serves
// them under Connect's context: see WithWording), else English.
func callbackHandler(state string, log *slog.Logger, deliver func(callbackResult)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		words := wordingOf(r.Context())
		q := r.URL.Query()
		if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
			log.Warn("loopback callback with a wrong state", "remote", r.RemoteAddr)
			writePage(w, http.StatusBadRequest, words.page(PageNotThisSignIn))
			return
		}
		if code := q.Get("error"); code != "" {
			kind := authorizeErrorKind(code)
			writePage(w, http.StatusOK, words.page(failedPage(kind)))
			deliver(callbackResult{err: &Error{Kind: kind, Op: "connect", Code: code}})
			return
		}
		code := q.Get("code")
		if code == "" {
			writePage(w, http.StatusBadRequest, words.page(PageNotThisSignIn))
			return
		}
		writePage(w, http.StatusOK, words.page(PageApproved))
		deliver(callbackResult{code: code})
	})
}

// The browser pages reflect no input: their text is fixed (in the
// user's language: pages.go, with ui/words' words).
var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html{{with .Lang}} lang="{{.}}"{{end}}><head><meta charset="utf-8"><title>{{.Title}} – Tokentray</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:32em;margin:4em auto;padding:0 1em;color:#222}
h1{font-size:1.4em}</style></head>
<body><h1>{{.Title}}</h1><p>{{.Body}}</p></body></html>
`))

// page is a loopback page as it is written: its language's tag ("" when
// unknown), title and text.
type page struct{ Lang, Title, Body string }

func writePage(w http.ResponseWriter, status int, p page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if p.Lang != "" {
		w.Header().Set("Content-Language", p.Lang)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	pageTemplate.Execute(w, p) //nolint:errcheck // the browser went away
}
