package authtest

import (
	"html/template"
	"net/http"

	"github.com/ory/fosite"
)

// The consent step (Config.Consent): GET on an authorize endpoint, once
// fosite has validated the request, shows a page with Approve and Deny; the
// page's form POSTs back to the same endpoint with the decision and the
// pending request's ID. The ID is a random 256-bit nonce, kept on the server
// with the original query and spent by the first answer, so a POST from
// another site (which cannot read the page) cannot approve anything, and an
// answer cannot be replayed.

// Form field names of the consent page, for a test that answers it by hand.
const (
	// ConsentField carries the pending request's nonce.
	ConsentField = "consent"
	// DecisionField is the submit button's name: "approve" or "deny".
	DecisionField = "decision"
)

// maxPending bounds the consent requests waiting for an answer; beyond it
// the oldest is forgotten (its page then answers "unknown request").
const maxPending = 32

// pendingConsent is an authorize request shown on a consent page.
type pendingConsent struct {
	path  string // the authorize endpoint it came to; the answer must come there too
	query string // its raw query, run through fosite again on the answer
	seq   uint64 // order of arrival, for eviction
}

// askConsent records the validated request ar and serves the consent page;
// s.mu must be held.
func (s *Server) askConsent(w http.ResponseWriter, r *http.Request, ar fosite.AuthorizeRequester) {
	if len(s.pending) >= maxPending {
		oldest, first := "", true
		for id, p := range s.pending {
			if first || p.seq < s.pending[oldest].seq {
				oldest, first = id, false
			}
		}
		delete(s.pending, oldest)
	}
	s.pendingSeq++
	nonce := randomString(32)
	s.pending[nonce] = pendingConsent{path: r.URL.Path, query: r.URL.RawQuery, seq: s.pendingSeq}

	var scopes []string
	for _, sc := range ar.GetRequestedScopes() {
		scopes = append(scopes, scopeWords(sc, s.cfg.AppName))
	}
	writeConsentPage(w, http.StatusOK, consentPage{
		Provider: s.cfg.ProviderName,
		App:      s.cfg.AppName,
		User:     s.cfg.UserName,
		Scopes:   scopes,
		Action:   r.URL.Path,
		Nonce:    nonce,
	})
}

// answerConsent takes the consent page's answer: it spends the pending
// request the nonce names, runs the original query through fosite again,
// and answers as the user chose. Without Consent the endpoint takes no
// POST, as before.
func (s *Server) answerConsent(w http.ResponseWriter, r *http.Request) {
	if !s.cfg.Consent {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		writeConsentPage(w, http.StatusBadRequest, consentRefused)
		return
	}
	var d Decision
	switch r.PostForm.Get(DecisionField) {
	case "approve":
		d = Approve
	case "deny":
		d = Deny
	default:
		writeConsentPage(w, http.StatusBadRequest, consentRefused)
		return
	}
	ctx := r.Context()
	s.mu.Lock()
	defer s.mu.Unlock()
	nonce := r.PostForm.Get(ConsentField)
	p, ok := s.pending[nonce]
	if !ok || p.path != r.URL.Path {
		writeConsentPage(w, http.StatusBadRequest, consentRefused)
		return
	}
	delete(s.pending, nonce) // single use, whatever follows

	orig := r.Clone(ctx)
	orig.Method = http.MethodGet
	orig.URL.RawQuery = p.query
	orig.Body, orig.ContentLength = http.NoBody, 0
	orig.Form, orig.PostForm, orig.MultipartForm = nil, nil, nil
	orig.Header.Del("Content-Type")
	ar, err := s.provider.NewAuthorizeRequest(ctx, orig)
	if err != nil {
		s.provider.WriteAuthorizeError(ctx, w, ar, err)
		return
	}
	s.decide(w, orig, ar, d)
}

// scopeWords says what granting scope lets app do, in plain words; a scope
// it does not know is shown as it is.
func scopeWords(scope, app string) string {
	switch scope {
	case "openid":
		return "Know who you are"
	case "profile":
		return "See your name"
	case "email":
		return "See your e-mail address"
	case "offline_access", "offline":
		return "Stay signed in, so " + app + " can renew access without asking you again"
	}
	return scope
}

type consentPage struct {
	Provider, App, User string
	Scopes              []string
	Action, Nonce       string
	Refused             bool
}

var consentRefused = consentPage{Refused: true}

func writeConsentPage(w http.ResponseWriter, status int, p consentPage) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	consentTemplate.Execute(w, p) //nolint:errcheck // the browser went away
}

// The page is self-contained (inline CSS, nothing fetched), follows the
// system's light or dark scheme, and reflows at any zoom. Its form uses
// plain double-quoted attributes, so that Visit can read it.
var consentTemplate = template.Must(template.New("consent").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>{{if .Refused}}Request not found{{else}}Sign in to {{.Provider}}{{end}}</title>
<style>
:root{color-scheme:light dark;--bg:#f4f5f7;--card:#fff;--fg:#1d1f23;--muted:#555b66;--line:#d5d9e0;--accent:#1f56c3;--on-accent:#fff}
@media (prefers-color-scheme:dark){:root{--bg:#14161a;--card:#1e2127;--fg:#e9ebee;--muted:#a9b0bb;--line:#3b404a;--accent:#86abff;--on-accent:#0b1220}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:32rem;margin:3rem auto;padding:1.5rem 1.75rem;background:var(--card);border:1px solid var(--line);border-radius:.75rem}
.tag{display:inline-block;margin:0;padding:.1rem .65rem;border:1px solid var(--line);border-radius:1rem;font-size:.85rem;color:var(--muted)}
h1{font-size:1.5rem;line-height:1.25;margin:.6rem 0 1rem}
ul{margin:.5rem 0 0;padding-left:1.25rem}
li{margin:.3rem 0}
.buttons{display:flex;flex-wrap:wrap;gap:.75rem;margin:1.5rem 0 1.25rem}
button{flex:1 1 8rem;font:inherit;font-weight:600;padding:.65rem 1rem;border-radius:.5rem;border:1px solid var(--line);background:transparent;color:var(--fg);cursor:pointer}
button.primary{background:var(--accent);border-color:var(--accent);color:var(--on-accent)}
button:focus-visible{outline:3px solid var(--fg);outline-offset:2px}
.note{margin:0;padding-top:1rem;border-top:1px solid var(--line);font-size:.9rem;color:var(--muted)}
@media (max-width:36rem){main{margin:0;border-width:0 0 1px;border-radius:0}}
</style></head>
<body><main>
{{- if .Refused}}
<h1>This sign-in request is not known here</h1>
<p>It was already answered, or it is too old. Go back to the app and choose Connect again.</p>
{{- else}}
<p class="tag">Local test server</p>
<h1>{{.Provider}}</h1>
<p>{{.App}} wants to access your {{.Provider}} account ({{.User}}).</p>
{{- if .Scopes}}
<p>If you approve, {{.App}} will be able to:</p>
<ul>
{{- range .Scopes}}
<li>{{.}}</li>
{{- end}}
</ul>
{{- else}}
<p>{{.App}} asks for no particular access: it will only learn that you approved.</p>
{{- end}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="consent" value="{{.Nonce}}">
<div class="buttons">
<button type="submit" name="decision" value="approve" class="primary" autofocus>Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</div>
</form>
<p class="note">This is a local test server running on this computer, not a real provider: no real account is involved and nothing you do here leaves the computer.</p>
{{- end}}
</main></body></html>
`))
