package auth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"text/template"
	"time"

	"golang.org/x/oauth2"
)

// Kind says what a failure means for the user, so that the UI and the CLI can
// word it plainly and decide what to do next.
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

// Error is a classified failure of an OAuth operation. Err, when set, is the
// underlying cause (often an *oauth2.RetrieveError).
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

// ProviderName is a provider's ID and the name shown for it.
type ProviderName struct{ ID, Name string }

// Said is the name as a field of a message (Words): a built-in Clio
// preset's own name ("Clio (United States)", or none) as a phrase,
// "Clio ({{.Region}})" with the region's name as a phrase of its own,
// so that it is translated with the sentence ("Clio (États-Unis)" in
// French); any other name — a brand, or the name someone gave the
// provider — as it is, the same in every language.
func (n ProviderName) Said() any {
	r, ok := ClioRegionOf(n.ID)
	if !ok {
		return n.Name
	}
	region, ok := r.Name()
	if p, _ := Preset(n.ID); !ok || n.Name != "" && n.Name != p.Name {
		return n.Name
	}
	return Phrase{ID: "Clio ({{.Region}})", Data: map[string]any{"Region": region}}
}

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

// Message returns a sentence for a person who knows nothing of OAuth: what
// happened and what to do next. It never contains a token. It is Words in
// English.
func (e *Error) Message() string { return Render(e.Words()) }

// Words is Message as a message ID — the English sentence, with
// text/template fields for the parts that vary — and the fields' values,
// so that the layers that speak the user's language (ui/words) can
// translate it.
func (e *Error) Words() (string, map[string]any) {
	switch e.Kind {
	case KindDeclined:
		return "You declined access in the browser. Nothing was connected; choose Connect again if that was a mistake.", nil
	case KindReconnect:
		if e.Op == "exchange" {
			return "The sign-in could not be completed: the approval had expired or was already used. Please connect again.", nil
		}
		return "This account's access has ended (it was revoked or expired). Please reconnect the account.", nil
	case KindTransient:
		if e.Unreadable {
			return "The provider answered, but with something Tokentray could not read. Tokentray will try again; nothing was lost.", nil
		}
		if e.Status != 0 {
			return "The provider is not answering properly right now. Tokentray will try again; nothing was lost.", nil
		}
		return "Tokentray could not reach the provider. Check your internet connection; Tokentray will try again.", nil
	case KindMisconfigured:
		if n := e.NoClientID; n != nil {
			return "{{.Name}} has no client ID yet. Enter the client ID registered for Tokentray under Provider settings " +
				"(or: tokentray provider set {{.ID}} --client-id …), then connect again.", map[string]any{"Name": n.Said(), "ID": n.ID}
		}
		if n := e.NoClientSecret; n != nil {
			return "{{.Name}} needs the client secret registered for Tokentray, and none is set. Enter it under Provider settings " +
				"(or: tokentray provider set {{.ID}} --client-secret-stdin), then connect again.", map[string]any{"Name": n.Said(), "ID": n.ID}
		}
		return "The provider refused Tokentray's client settings (client ID, secret or redirect address). Ask whoever set up Tokentray to check them.", nil
	case KindPortBusy:
		if e.Holder != "" {
			return "Port {{.Port}}, which this provider requires for sign-in, is in use by “{{.Holder}}”. Close that program and try again.",
				map[string]any{"Port": e.Port, "Holder": e.Holder}
		}
		return "Port {{.Port}}, which this provider requires for sign-in, is in use by another program. Close that program and try again.",
			map[string]any{"Port": e.Port}
	case KindCanceled:
		return "Connecting was cancelled.", nil
	case KindTimeout:
		return "The browser did not come back in time. Please try connecting again.", nil
	}
	return "Something went wrong while talking to the provider. Please try again.", nil
}

// Phrase is words for people as a message ID (the English, with
// text/template fields) and its fields' values, as a value: a field of
// another message (translated with it by ui/words), or shown as it is in
// English (String).
type Phrase struct {
	ID   string
	Data map[string]any
}

// Words is the phrase's message ID and fields.
func (p Phrase) Words() (string, map[string]any) { return p.ID, p.Data }

// String is the phrase in English.
func (p Phrase) String() string { return Render(p.ID, p.Data) }

// Render fills in a message ID's fields (Words): the English sentence.
func Render(id string, data map[string]any) string {
	if len(data) == 0 {
		return id
	}
	t, err := template.New("").Option("missingkey=error").Parse(id)
	if err != nil {
		return id
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return id
	}
	return b.String()
}

// Explain returns the plain sentence for err, and whether it has one: the
// Message of the outermost error in err's chain that words itself (an
// *Error, a *RedirectError, and the store's and the app's errors that have
// a Message method), else the words for a paste that was refused
// (ErrNotApproval, ErrNotLanded, ErrNoState, ErrOtherAttempt). The tray and
// the command line word every error with it, each with its own fallback
// for an error that has no words (see Message).
func Explain(err error) (string, bool) {
	var m interface{ Message() string }
	if errors.As(err, &m) {
		return m.Message(), true
	}
	return PasteWords(err)
}

// ExplainWords is Explain as a message ID and its fields, for a
// translation (ui/words) or to be kept and said later (an account's last
// problem): the Words of the outermost error in err's chain that words
// itself, else a refused paste's. ok is false when err has no words, and
// when that error gives a Message but no message ID (it words itself in
// the user's language already: Explain it).
func ExplainWords(err error) (id string, data map[string]any, ok bool) {
	var m interface{ Message() string }
	if errors.As(err, &m) {
		if w, isW := m.(interface {
			Words() (string, map[string]any)
		}); isW {
			id, data = w.Words()
		}
		return id, data, id != ""
	}
	id, ok = PasteWords(err)
	return id, nil, ok
}

// Unexplained is the words for an error that has none of its own
// (Message's fallback).
var Unexplained = Phrase{ID: "Something went wrong. Please try again."}

// PasteWords is the sentence for a paste that was refused
// (ErrNotApproval, ErrNotLanded, ErrNoState, ErrOtherAttempt), which is
// also its message ID; false for any other error.
func PasteWords(err error) (string, bool) {
	switch {
	case errors.Is(err, ErrNotApproval):
		return "That is not Clio's approval page. Paste the address of the page you landed on after approving " +
			"(it contains code=…), its title, or just the code.", true
	case errors.Is(err, ErrNotLanded):
		return "That is not the address of the page you landed on. After you approve, copy the whole address your browser shows " +
			"(it contains code=… and state=…) and paste it here.", true
	case errors.Is(err, ErrNoState):
		return "That address has no state=… part, so Tokentray cannot tell that it belongs to this sign-in. " +
			"Copy the whole address your browser shows and paste it here.", true
	case errors.Is(err, ErrOtherAttempt):
		return "That approval belongs to an earlier attempt. Approve again in the browser window Tokentray just opened, then paste that page's address.", true
	}
	return "", false
}

// Message returns a plain sentence for err (see Explain), or a generic
// one. Show it instead of err.Error().
func Message(err error) string {
	if msg, ok := Explain(err); ok {
		return msg
	}
	return Unexplained.String()
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
