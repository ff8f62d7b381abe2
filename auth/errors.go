package auth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/oauth2"
)

// Kind says what a failure means for the user, so that the UI and the CLI can
// decide what to do next, and ui/words can word it plainly.
type Kind int

const (
	// KindUnknown is a failure that fits no other kind.
	KindUnknown Kind = iota
	// KindDeclined: the user said no on the provider's consent page.
	KindDeclined
	// KindReconnect: the grant is gone (invalid_grant, 401 on refresh, an
	// expired or reused code); only connecting again helps.
	KindReconnect
	// KindTransient: the network or the provider failed for now (timeouts,
	// 5xx, 429, a malformed answer); trying again later may work.
	KindTransient
	// KindMisconfigured: the client settings are wrong (invalid_client,
	// unauthorized_client, a redirect URI the provider does not accept).
	KindMisconfigured
	// KindPortBusy: the loopback port registered for the redirect is taken.
	KindPortBusy
	// KindCanceled: the user or the program gave up (context canceled).
	KindCanceled
	// KindTimeout: the browser never came back in time.
	KindTimeout
)

var kindNames = [...]string{"unknown", "declined", "reconnect needed", "transient", "misconfigured",
	"port busy", "canceled", "timed out"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Sentinels to branch on with errors.Is; every *Error of that Kind matches.
var (
	ErrDeclined        = &Error{Kind: KindDeclined}
	ErrReconnectNeeded = &Error{Kind: KindReconnect}
	ErrTransient       = &Error{Kind: KindTransient}
	ErrPortBusy        = &Error{Kind: KindPortBusy}
	ErrCanceled        = &Error{Kind: KindCanceled}
)

// Error is a classified failure of an OAuth operation: what happened, in
// its Kind and fields, which ui/words says to a person (Error is the short
// technical text, for logs). Err, when set, is the underlying cause (often
// an *oauth2.RetrieveError).
type Error struct {
	Kind Kind
	// Op is what was being done: "connect", "exchange", "refresh",
	// "identity", "revoke", "discover".
	Op string
	// Code is the RFC 6749 error code when the server sent one.
	Code string
	// Status is the HTTP status when there was a response.
	Status int
	// RetryAfter is the wait the server asked for (429/503), or zero.
	RetryAfter time.Duration
	// Unreadable: the provider answered, but with something that is not
	// a token response (malformed or truncated JSON, an HTML page).
	Unreadable bool
	// Port and Holder describe a busy port (KindPortBusy); Holder is the
	// program holding it, where the OS tells.
	Port   int
	Holder string
	// NoClientID names the provider (ID and name) that has no client ID
	// yet, when that is what is misconfigured (KindMisconfigured).
	NoClientID *ProviderName
	// NoClientSecret names the provider (ID and name) whose token
	// requests need the client secret (Provider.Confidential) when none is
	// set, when that is what is misconfigured (KindMisconfigured).
	NoClientSecret *ProviderName
	Err            error
}

// ProviderName is a provider's ID and the name shown for it (ui/words
// says a built-in Clio preset's own name in the user's language).
type ProviderName struct{ ID, Name string }

func (e *Error) Error() string {
	msg := e.Op
	if msg == "" {
		msg = "oauth"
	}
	msg += ": " + e.Kind.String()
	if e.Code != "" {
		msg += " (" + e.Code + ")"
	}
	if e.Kind == KindPortBusy {
		msg += fmt.Sprintf(": port %d", e.Port)
		if e.Holder != "" {
			msg += " held by " + e.Holder
		}
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches the sentinels: any *Error with the same Kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Op == "" && t.Err == nil && t.Kind == e.Kind
}

// KindOf returns err's Kind, or KindUnknown.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindUnknown
}

// classify turns the error of a token, identity or revoke call into an
// *Error. op says what was attempted; refresh and exchange treat
// invalid_grant (and a bare 401 on refresh) as KindReconnect.
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	var already *Error
	if errors.As(err, &already) {
		return err
	}
	e := &Error{Op: op, Err: err}
	var re *oauth2.RetrieveError
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		e.Kind = KindCanceled
	case errors.Is(err, context.DeadlineExceeded):
		e.Kind = KindTransient
	case errors.As(err, &re):
		e.Code = re.ErrorCode
		if re.Response != nil {
			e.Status = re.Response.StatusCode
			e.RetryAfter = retryAfter(re.Response.Header.Get("Retry-After"), time.Now())
		}
		e.Kind = kindForResponse(op, e.Code, e.Status)
	case errors.As(err, &ne):
		e.Kind = KindTransient
	default:
		// Malformed or truncated JSON, a missing access_token, an HTML page
		// from a proxy: the provider answered, but not properly.
		e.Kind, e.Unreadable = KindTransient, true
	}
	return e
}

func kindForResponse(op, code string, status int) Kind {
	switch code {
	case "invalid_grant":
		return KindReconnect
	case "access_denied":
		return KindDeclined
	case "invalid_client", "unauthorized_client", "unsupported_grant_type",
		"invalid_scope", "unsupported_response_type", "redirect_uri_mismatch":
		return KindMisconfigured
	case "temporarily_unavailable", "server_error", "slow_down":
		return KindTransient
	}
	switch {
	case status == http.StatusUnauthorized && (op == "refresh" || op == "identity"):
		return KindReconnect
	case status == http.StatusTooManyRequests || status == http.StatusRequestTimeout || status >= 500:
		return KindTransient
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return KindMisconfigured
	case status >= 400:
		return KindMisconfigured
	}
	return KindTransient
}

// authorizeErrorKind classifies an error redirected back from the
// authorization endpoint (RFC 6749 §4.1.2.1).
func authorizeErrorKind(code string) Kind {
	switch code {
	case "access_denied":
		return KindDeclined
	case "server_error", "temporarily_unavailable":
		return KindTransient
	}
	return KindMisconfigured
}

// retryAfter parses a Retry-After header (RFC 9110 §10.2.3): seconds or an
// HTTP date. Zero when absent or unparsable.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
