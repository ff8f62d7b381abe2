package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// DefaultConnectTimeout is how long Connect waits for the browser.
const DefaultConnectTimeout = 5 * time.Minute

// discoveryTimeout bounds the optional discovery before the browser opens:
// offline, the user should not wait 30 seconds for it.
const discoveryTimeout = 5 * time.Second

// ConnectOptions configures Connect. The zero value is usable.
type ConnectOptions struct {
	// Open shows the authorization URL to the user: the app's and the
	// command line's open a browser (ui/system.Browser), tests pass a
	// headless visitor. Connect runs it on a goroutine of its own while it
	// already waits for the browser, and never waits for it: a launcher
	// may return only when the browser window closes (xdg-open without a
	// session helper), after Connect. Without Open, there is no browser to
	// open: OpenFailed is told at once, and the flow waits for the address
	// to be opened by hand.
	Open func(authURL string) error
	// OpenFailed is told, on Open's goroutine and at most once, that Open
	// failed (no browser installed, a browser that cannot start, a
	// locked-down desktop) while Connect still waits: the caller shows
	// authURL for the user to open by hand, and the flow goes on. It is
	// never called after Connect returns.
	OpenFailed func(authURL string, err error)
	// HTTPClient makes the token and identity calls; default: a client with
	// a 30-second timeout.
	HTTPClient *http.Client
	// Timeout bounds the wait for the browser; default
	// DefaultConnectTimeout.
	Timeout time.Duration
	// LoginHint (reconnect to an OIDC provider) asks the provider to sign in
	// this account rather than silently reuse another signed-in one.
	LoginHint string
	// SelectAccount adds prompt=select_account (OIDC providers).
	SelectAccount bool
	// Approval carries what the user pasted, or what the window-title
	// watcher read: for RedirectApproval providers the approval page's
	// title or URL, or the bare code (see ParseApproval); for RedirectPage
	// providers the address the browser landed on (see ParseLanded).
	// Inputs that do not parse are logged, told to PasteRejected and
	// skipped; a closed channel cancels the flow.
	Approval <-chan string
	// PasteRejected, when set, is told on Connect's goroutine why an input
	// from Approval was not taken (another attempt's state, no state, not
	// an address or code); Connect goes on waiting. ui/words says err to
	// the user (words.Message). It must not block.
	PasteRejected func(err error)
	// Logger receives progress; default: slog.Default(). It never receives
	// a token or a code.
	Logger *slog.Logger
}

// Connection is the result of a successful Connect.
type Connection struct {
	// Provider is the provider used, with endpoints found by discovery.
	Provider Provider
	Token    *oauth2.Token
	// Identity names the account; empty when the provider has no identity
	// endpoint or it failed (the grant is still good: see IdentityErr).
	Identity    Identity
	IdentityErr error
}

// Connect runs the authorization-code flow with PKCE S256 and state (RFC
// 6749 §4.1, RFC 7636, RFC 8252): it opens the browser at the provider,
// waits for the code on the loopback listener (or from opts.Approval for
// Clio's desktop redirect and for an https redirect page), exchanges it,
// and asks who the account is.
//
// It returns when the flow ends, ctx is cancelled (KindCanceled) or the
// timeout passes (KindTimeout); all its goroutines and listeners are gone by
// then. Every error is an *Error; ui/words says it to the user. A
// provider without a client ID, or a Confidential one without a client
// secret, fails at once, the browser never opened, with an *Error that
// names it (NoClientID, NoClientSecret): not after the user approved.
func Connect(ctx context.Context, p Provider, opts ConnectOptions) (*Connection, error) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	if p.ClientID == "" {
		return nil, &Error{Kind: KindMisconfigured, Op: "connect", NoClientID: &ProviderName{p.ID, p.Name},
			Err: errors.New("no client ID is set for " + p.Name)}
	}
	if p.Confidential && p.ClientSecret == "" {
		return nil, &Error{Kind: KindMisconfigured, Op: "connect", NoClientSecret: &ProviderName{p.ID, p.Name},
			Err: errors.New("no client secret is set for " + p.Name)}
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultConnectTimeout
	}
	client := httpClient(opts.HTTPClient)
	dctx, dcancel := context.WithTimeout(ctx, discoveryTimeout)
	p = p.completed(dctx, client)
	dcancel()

	state := randomToken()
	verifier := oauth2.GenerateVerifier()

	var (
		lb          *loopback
		redirectURL string
	)
	switch p.redirectMode() {
	case RedirectLoopback:
		var err error
		if lb, err = listenLoopback(p); err != nil {
			return nil, err
		}
		redirectURL = lb.redirectURL
	case RedirectApproval:
		if p.ApprovalURL == "" {
			return nil, &Error{Kind: KindMisconfigured, Op: "connect", Err: errors.New("no approval URL")}
		}
		redirectURL = p.ApprovalURL
	case RedirectPage:
		if !strings.HasPrefix(strings.ToLower(p.PageURL), "https://") {
			return nil, &Error{Kind: KindMisconfigured, Op: "connect", Err: errors.New("no https redirect page")}
		}
		redirectURL = p.PageURL
	default:
		return nil, &Error{Kind: KindMisconfigured, Op: "connect", Err: errors.New(p.Name + " has no browser sign-in; import its credentials instead")}
	}

	authURL := p.oauth2Config(redirectURL).AuthCodeURL(state, p.authOptions(verifier, opts)...)
	wctx, cancel := context.WithTimeoutCause(ctx, timeout, errConnectTimeout)
	defer cancel()

	open := opts.Open
	if open == nil {
		open = func(string) error { return errNoOpen }
	}
	log.Info("opening the browser for sign-in", "provider", p.ID, "redirect", redirectURL)
	stopOpen := openAside(open, authURL, opts.OpenFailed, log) // the redirect is served meanwhile
	defer stopOpen()

	var (
		code string
		err  error
	)
	if lb != nil {
		code, err = lb.wait(wctx, state, log)
	} else {
		code, err = waitPaste(wctx, opts.Approval, state, pasteParser(p.redirectMode()), opts.PasteRejected, log)
	}
	if err != nil {
		return nil, waitError(wctx, err)
	}
	log.Info("authorization code received; exchanging it", "provider", p.ID)

	tok, err := Exchange(ctx, client, p, redirectURL, code, verifier)
	if err != nil {
		return nil, err
	}
	conn := &Connection{Provider: p, Token: tok}
	conn.Identity, conn.IdentityErr = FetchIdentity(ctx, client, p, tok)
	if conn.IdentityErr != nil {
		log.Warn("could not name the account", "provider", p.ID, "kind", KindOf(conn.IdentityErr))
	}
	return conn, nil
}

var errConnectTimeout = errors.New("timed out waiting for the browser")

// errNoOpen is the failure to open a browser when ConnectOptions has no Open.
var errNoOpen = errors.New("no way to open a browser was given")

// openAside runs open(authURL) on a goroutine of its own and returns at
// once, with a stop for when the flow ends. A failure before stop is logged
// and told to failed. The goroutine ends when open returns, which may be
// after the flow (it holds nothing of it): a launcher's process cannot be
// stopped from here, nor should it be, as it is the user's browser.
func openAside(open func(string) error, authURL string, failed func(string, error), log *slog.Logger) (stop func()) {
	var (
		mu    sync.Mutex
		ended bool
	)
	go func() {
		err := open(authURL)
		if err == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if ended {
			return
		}
		log.Warn("the browser could not be opened; waiting for the address to be opened by hand", "err", err)
		if failed != nil {
			failed(authURL, err)
		}
	}()
	return func() {
		mu.Lock()
		ended = true
		mu.Unlock()
	}
}

func waitError(ctx context.Context, err error) error {
	if errors.Is(context.Cause(ctx), errConnectTimeout) {
		return &Error{Kind: KindTimeout, Op: "connect", Err: errConnectTimeout}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{Kind: KindCanceled, Op: "connect", Err: err}
	}
	return classify("connect", err)
}

func (p Provider) authOptions(verifier string, opts ConnectOptions) []oauth2.AuthCodeOption {
	o := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}
	for k, v := range p.AuthParams {
		o = append(o, oauth2.SetAuthURLParam(k, v))
	}
	if p.OIDC && opts.LoginHint != "" {
		o = append(o, oauth2.SetAuthURLParam("login_hint", opts.LoginHint))
	}
	if p.OIDC && opts.SelectAccount {
		o = append(o, oauth2.SetAuthURLParam("prompt", "select_account"))
	}
	return o
}

// waitPaste takes inputs from the paste box or title watcher until one
// parses (with parse: ParseApproval or ParseLanded), or reports an error
// from the provider.
func waitPaste(ctx context.Context, inputs <-chan string, state string, parse func(string, string) (string, error),
	rejected func(error), log *slog.Logger) (string, error) {
	for {
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case in, ok := <-inputs:
			if !ok {
				return "", context.Canceled
			}
			code, err := parse(in, state)
			if err == nil {
				return code, nil
			}
			var ae *Error
			if errors.As(err, &ae) {
				return "", err // the provider's answer: declined, or an error
			}
			log.Info("skipping a pasted input that does not parse", "why", err)
			if rejected != nil {
				rejected(err)
			}
		}
	}
}

// ParseApproval's failures for text that is not what the paste box wants.
var (
	// ErrNotApproval: neither an approval title, an approval URL nor a code.
	ErrNotApproval = errors.New("not an approval title, URL or code")
	// ErrOtherAttempt: an approval URL whose state is another attempt's.
	ErrOtherAttempt = errors.New("approval URL from another sign-in attempt")
)

// ParseLanded's failures, besides ErrOtherAttempt (a state of another
// attempt).
var (
	// ErrNotLanded: not an address carrying a code or an error.
	ErrNotLanded = errors.New("not the address of the page the browser landed on")
	// ErrNoState: an address without state, which cannot be told to be
	// this attempt's.
	ErrNoState = errors.New("the address carries no state")
)

// ParseLanded reads the authorization code from the address of the https
// redirect page the browser landed on (RedirectPage), as the user copied it
// from the address bar: https://page?code=…&state=…. The address must carry
// state, equal to state (RFC 6749 §10.12) — unlike Clio's approval title,
// which carries none; a bare code is not taken either. An error=… from the
// provider, with the right state, is an *Error (KindDeclined for
// access_denied).
func ParseLanded(input, state string) (string, error) {
	code, st, err := readLanded(input)
	if st != "" && subtle.ConstantTimeCompare([]byte(st), []byte(state)) != 1 {
		return "", ErrOtherAttempt
	}
	return code, err
}

// readLanded is ParseLanded as if the address's state, st (returned), were
// this attempt's. An address without state is refused (ErrNoState,
// ErrNotLanded) with st "".
func readLanded(input string) (code, st string, err error) {
	s := strings.TrimSpace(input)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", "", ErrNotLanded
	}
	q := u.Query()
	st = q.Get("state")
	switch {
	case st == "" && (q.Has("code") || q.Has("error")):
		return "", "", ErrNoState
	case st == "":
		return "", "", ErrNotLanded
	}
	if e := q.Get("error"); e != "" {
		return "", st, &Error{Kind: authorizeErrorKind(e), Op: "connect", Code: e}
	}
	if code := q.Get("code"); validCode(code) {
		return code, st, nil
	}
	return "", st, ErrNotLanded
}

// ParseApproval reads the authorization code from what Clio's desktop
// approval page shows: its title ("Success code=…", maybe followed by the
// browser's name), its URL (…/oauth/approval?code=…&state=…), or the bare
// code. "Failure error=access_denied" (or ?error=…) is a KindDeclined
// *Error. When a URL carries state, it must equal state.
func ParseApproval(input, state string) (string, error) {
	code, st, err := readApproval(input)
	if st != "" && subtle.ConstantTimeCompare([]byte(st), []byte(state)) != 1 {
		return "", ErrOtherAttempt
	}
	return code, err
}

// readApproval is ParseApproval as if the state a URL carries, st
// (returned; "" for none, and for titles and codes), were this attempt's.
func readApproval(input string) (code, st string, err error) {
	s := strings.TrimSpace(input)
	if rest, ok := strings.CutPrefix(s, "Success code="); ok {
		code, _, _ := strings.Cut(rest, " ")
		if validCode(code) {
			return code, "", nil
		}
		return "", "", ErrNotApproval
	}
	if rest, ok := strings.CutPrefix(s, "Failure error="); ok {
		code, _, _ := strings.Cut(rest, " ")
		return "", "", &Error{Kind: authorizeErrorKind(code), Op: "connect", Code: code}
	}
	if u, err := url.Parse(s); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		q := u.Query()
		st = q.Get("state")
		if e := q.Get("error"); e != "" {
			return "", st, &Error{Kind: authorizeErrorKind(e), Op: "connect", Code: e}
		}
		if code := q.Get("code"); validCode(code) {
			return code, st, nil
		}
		return "", st, ErrNotApproval
	}
	if validCode(s) {
		return s, "", nil
	}
	return "", "", ErrNotApproval
}

// pasteParser is how the flow of a provider with that redirect reads what
// is pasted (or read from a window title): ParseLanded for an https
// redirect page, else ParseApproval.
func pasteParser(mode RedirectMode) func(input, state string) (string, error) {
	if mode == RedirectPage {
		return ParseLanded
	}
	return ParseApproval
}

// CheckPaste says, without the attempt's state (which only the flow holds),
// whether Connect, for a provider with that redirect, would refuse input
// from ConnectOptions.Approval whatever the state: a paste box asks it
// before handing input on. nil means hand it on: a code, an approval title,
// or an address carrying a state, which the flow compares (and answers
// ErrOtherAttempt to, through PasteRejected, if it is another attempt's).
// Otherwise the error is the parser's (ParseApproval's, or ParseLanded's
// for RedirectPage): ErrNotApproval, ErrNotLanded, ErrNoState, or an
// *Error for a provider's answer that carries no state ("Failure
// error=access_denied"), which ui/words says to the user.
func CheckPaste(mode RedirectMode, input string) error {
	read := readApproval
	if mode == RedirectPage {
		read = readLanded
	}
	if _, st, err := read(input); st == "" {
		return err
	}
	return nil
}

// validCode accepts an authorization code: printable ASCII without spaces
// or separators (RFC 6749 Appendix A.11 allows VSCHAR), of sane length.
func validCode(s string) bool {
	if len(s) < 4 || len(s) > 2048 {
		return false
	}
	for _, c := range []byte(s) {
		if c <= ' ' || c > '~' || c == '&' || c == '=' || c == '?' || c == '/' || c == '#' {
			return false
		}
	}
	return true
}

// randomToken returns 32 random bytes, base64url: for state.
func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
