package authtest

import (
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/ory/fosite"
)

const maxBody = 1 << 20

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	for _, prefix := range []string{"", ClientCasaPrefix} {
		mux.HandleFunc("GET "+prefix+PathAuthorize, s.authorize)
		mux.HandleFunc("POST "+prefix+PathAuthorize, s.answerConsent)
		mux.HandleFunc("POST "+prefix+PathToken, s.token)
		mux.HandleFunc("POST "+prefix+PathRevoke, s.revoke)
		mux.HandleFunc("GET "+prefix+PathUserinfo, s.userinfo)
		mux.HandleFunc("GET "+prefix+"/.well-known/openid-configuration", s.discovery(prefix))
		mux.HandleFunc("GET "+prefix+"/.well-known/oauth-authorization-server", s.discovery(prefix))
	}
	mux.HandleFunc("GET "+PathClioAuthorize, s.authorize)
	mux.HandleFunc("POST "+PathClioAuthorize, s.answerConsent)
	mux.HandleFunc("POST "+PathClioToken, s.clioToken)
	mux.HandleFunc("POST "+PathClioDeauthorize, s.clioDeauthorize)
	mux.HandleFunc("GET "+PathClioApproval, s.clioApproval)
	mux.HandleFunc("GET "+PathClioWhoAmI, s.clioWhoAmI)
	mux.HandleFunc("POST "+PathAnthropicToken, s.anthropicToken)
	mux.HandleFunc("POST "+PathAnthropicTokenMoved, s.anthropicToken)
	mux.HandleFunc("GET "+PathClioMatters, s.clioMatters)
	mux.HandleFunc("POST "+PathWrapperMessages, s.wrapperMessages)
	if s.cfg.Logf == nil {
		return mux
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		mux.ServeHTTP(rec, r)
		s.cfg.Logf("authtest: %s %s → %d", r.Method, r.URL.Path, rec.status)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// authorize serves the consent step. With Config.Consent it shows the
// consent page (see answerConsent for the answer); otherwise it approves or
// denies at once, as the configured Decision says.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastAuthorize = r.URL.Query()
	ar, err := s.provider.NewAuthorizeRequest(ctx, r)
	if err != nil {
		s.provider.WriteAuthorizeError(ctx, w, ar, err)
		return
	}
	if s.cfg.Consent {
		s.askConsent(w, r, ar)
		return
	}
	s.decide(w, r, ar, s.decision)
}

// decide answers the validated authorize request ar as the user decided;
// s.mu must be held. Clio only redirects a denial back when
// redirect_on_decline=true; otherwise it shows its own 400 page.
func (s *Server) decide(w http.ResponseWriter, r *http.Request, ar fosite.AuthorizeRequester, d Decision) {
	ctx := r.Context()
	if d == Deny {
		if r.URL.Path == PathClioAuthorize && r.URL.Query().Get("redirect_on_decline") != "true" {
			http.Error(w, "You have declined access.", http.StatusBadRequest)
			return
		}
		s.provider.WriteAuthorizeError(ctx, w, ar, fosite.ErrAccessDenied)
		return
	}
	for _, scope := range ar.GetRequestedScopes() {
		ar.GrantScope(scope)
	}
	resp, err := s.provider.NewAuthorizeResponse(ctx, ar, s.session())
	if err != nil {
		s.provider.WriteAuthorizeError(ctx, w, ar, err)
		return
	}
	s.provider.WriteAuthorizeResponse(ctx, w, ar, resp)
}

func (s *Server) session() *fosite.DefaultSession {
	return &fosite.DefaultSession{Subject: "user-1", Username: s.cfg.UserName}
}

// count counts a token-endpoint request (TokenRequests).
func (s *Server) count() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
}

// token serves the standard token endpoint. Callers hold no lock.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	s.count()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.grant(w, r)
}

// grant runs fosite's token endpoint; s.mu must be held.
func (s *Server) grant(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ar, err := s.provider.NewAccessRequest(ctx, r, s.session())
	if err != nil {
		s.provider.WriteAccessError(ctx, w, ar, err)
		return
	}
	resp, err := s.provider.NewAccessResponse(ctx, ar)
	if err != nil {
		if errors.Is(err, fosite.ErrTokenExpired) {
			// fosite v0.49.0 reports a code that expired between request
			// and response as invalid_request; RFC 6749 §5.2 says
			// invalid_grant, as real providers answer.
			err = fosite.ErrInvalidGrant.WithHint("The authorization code has expired.")
		}
		s.provider.WriteAccessError(ctx, w, ar, err)
		return
	}
	for _, g := range ar.GetGrantTypes() {
		s.tokenCalls[g]++
	}
	s.provider.WriteAccessResponse(ctx, w, ar, resp)
}

// grantForm runs grant on a synthetic form request and returns the status
// and decoded JSON body; s.mu must be held.
func (s *Server) grantForm(ctx context.Context, form url.Values, header http.Header) (int, map[string]any) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+PathToken, strings.NewReader(form.Encode()))
	if a := header.Get("Authorization"); a != "" {
		req.Header.Set("Authorization", a)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	s.grant(rec, req)
	body := map[string]any{}
	json.Unmarshal(rec.Body.Bytes(), &body) //nolint:errcheck // fosite writes JSON
	return rec.Code, body
}

// clioToken is Clio's token endpoint: form-encoded, and a refresh answers
// without a refresh token, the old one staying good. fosite always rotates,
// so the shim hands out a stable alias and keeps it pointed at fosite's
// current refresh token.
func (s *Server) clioToken(w http.ResponseWriter, r *http.Request) {
	s.count()
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_request"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	form := url.Values{}
	for k, v := range r.PostForm {
		form[k] = v
	}
	grantType := form.Get("grant_type")
	alias := form.Get("refresh_token")
	if cur, ok := s.clioAliases[alias]; ok && grantType == "refresh_token" {
		form.Set("refresh_token", cur)
	}
	status, body := s.grantForm(r.Context(), form, r.Header)
	if status == http.StatusOK {
		rt, _ := body["refresh_token"].(string)
		switch grantType {
		case "authorization_code":
			alias = "clio-rt-" + randomString(20)
			s.clioAliases[alias] = rt
			body["refresh_token"] = alias
		case "refresh_token":
			s.clioAliases[alias] = rt
			delete(body, "refresh_token")
		}
		delete(body, "scope")
		body["token_type"] = "bearer"
	}
	writeJSON(w, status, body)
}

// anthropicToken is the Anthropic refresh endpoint: a JSON body
// {grant_type, refresh_token}; both tokens rotate; expires_at is in
// milliseconds; a refresh token that is no longer good answers 401.
func (s *Server) anthropicToken(w http.ResponseWriter, r *http.Request) {
	s.count()
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeJSON(w, http.StatusUnsupportedMediaType, map[string]any{
			"error": "invalid_request", "error_description": "the body must be JSON"})
		return
	}
	var in struct {
		GrantType    string `json:"grant_type"`
		RefreshToken string `json:"refresh_token"`
		ClientID     string `json:"client_id"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, maxBody)).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_request"})
		return
	}
	if in.GrantType != "refresh_token" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "unsupported_grant_type"})
		return
	}
	if in.ClientID == "" {
		in.ClientID = PublicClientID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	status, body := s.grantForm(r.Context(), url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {in.RefreshToken},
		"client_id":     {in.ClientID},
	}, nil)
	if status != http.StatusOK {
		if body["error"] == "invalid_grant" || body["error"] == "invalid_client" {
			status = http.StatusUnauthorized
		}
		writeJSON(w, status, map[string]any{"error": body["error"], "error_description": "OAuth token refresh failed"})
		return
	}
	expiresIn, _ := body["expires_in"].(float64)
	scope, _ := body["scope"].(string)
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token":      body["access_token"],
		"refresh_token":     body["refresh_token"],
		"expires_in":        int64(expiresIn),
		"expires_at":        time.Now().Add(time.Duration(expiresIn) * time.Second).UnixMilli(),
		"token_type":        "Bearer",
		"scopes":            strings.Fields(scope),
		"subscription_type": s.cfg.SubscriptionType,
	})
}

// revoke is RFC 7009 token revocation.
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.provider.NewRevocationRequest(ctx, r)
	s.provider.WriteRevocationResponse(ctx, w, err)
}

// bearer checks the request's access token; s.mu must be held.
func (s *Server) bearer(r *http.Request) (fosite.AccessRequester, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		return nil, false
	}
	_, ar, err := s.provider.IntrospectToken(r.Context(), tok, fosite.AccessToken, s.session())
	return ar, err == nil
}

func (s *Server) userinfo(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.bearer(r); !ok {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid_token"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"sub": "user-1", "name": s.cfg.UserName, "email": s.cfg.UserEmail,
		"preferred_username": s.cfg.UserEmail,
	})
}

func (s *Server) clioWhoAmI(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.bearer(r); !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]any{"type": "AuthenticationError"}})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{
		"id": 123456789, "etag": `"1514daee6390dbbb6a68f6d0d2c36334"`, "name": s.cfg.UserName,
	}})
}

// clioDeauthorize revokes the presented access token (only that token, as
// Clio documents).
func (s *Server) clioDeauthorize(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil || r.PostForm.Get("token") == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_request"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ar, ok := s.bearer(r)
	if !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid_token"})
		return
	}
	if err := s.store.RevokeAccessToken(r.Context(), ar.GetID()); err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]any{"error": "server_error"})
		return
	}
	w.WriteHeader(http.StatusOK)
}

var approvalPage = template.Must(template.New("approval").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>{{.}}</title></head>
<body><p>{{.}}</p></body></html>
`))

// clioApproval is Clio's desktop redirect page: its title carries the code
// ("Success code=…") or the error ("Failure error=…").
func (s *Server) clioApproval(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	title := "Success code=" + q.Get("code")
	if e := q.Get("error"); e != "" || q.Get("code") == "" {
		title = "Failure error=" + e
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	approvalPage.Execute(w, title) //nolint:errcheck
}

func (s *Server) discovery(prefix string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		base := s.URL + prefix
		writeJSON(w, http.StatusOK, map[string]any{
			"issuer":                                base,
			"authorization_endpoint":                base + PathAuthorize,
			"token_endpoint":                        base + PathToken,
			"revocation_endpoint":                   base + PathRevoke,
			"userinfo_endpoint":                     base + PathUserinfo,
			"response_types_supported":              []string{"code"},
			"grant_types_supported":                 []string{"authorization_code", "refresh_token"},
			"code_challenge_methods_supported":      []string{"S256"},
			"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "none"},
			"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		})
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) //nolint:errcheck
}
