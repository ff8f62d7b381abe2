// Package authtest runs a real OAuth 2.0 authorization server in-process on
// 127.0.0.1, for tests and for the demo provider, in the way net/http/httptest
// runs an HTTP server.
//
// The server is github.com/ory/fosite (authorization code + PKCE S256, refresh
// rotation with reuse detection, RFC 7009 revocation, RFC 6749 errors) with a
// small discovery document, a userinfo endpoint, an optional consent page
// (Config.Consent: Approve / Deny in the browser, as the demo provider
// shows; Visit clicks Approve), and dialect shims that reproduce the
// providers Tokentray supports:
//
//   - standard (ClientCasa, generic OIDC): /oauth2/… and /api/auth/oauth2/…
//   - Clio: /oauth/authorize, /oauth/token (refresh keeps the old refresh
//     token), /oauth/deauthorize, /oauth/approval, /api/v4/users/who_am_i
//   - Anthropic: /api/auth/oauth/token, and again at /v2/oauth/token (JSON
//     body, expires_at in ms, both tokens rotate, 401 when the refresh
//     token is no longer good)
//
// Package authtest must not import package auth: auth's tests import it. It
// is linked only into tests and into builds with the demo build tag.
package authtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"
	"github.com/ory/fosite/storage"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/oauth2"
)

// Client IDs and secrets registered on every server.
const (
	// ClientID is a confidential client that accepts client_secret_basic and
	// client_secret_post, with every redirect URI a test needs.
	ClientID     = "tokentray-test"
	ClientSecret = "tokentray-test-secret"
	// PublicClientID is a public client (no secret), used by the Anthropic
	// dialect and by public-client tests.
	PublicClientID = "tokentray-public"
	// FixedPort is the loopback port registered for `localhost`, like
	// ClientCasa's http://localhost:53111/callback.
	FixedPort = 53111
	// LandingPage is an https redirect registered for both clients: a page
	// on the provider's side that no test can reach (example.test is
	// reserved, RFC 6761), where the browser ends with code and state in its
	// address. Visit stops there; the user pastes that address.
	LandingPage = "https://landing.example.test/tokentray/signed-in"
)

// Paths served by the server.
const (
	PathAuthorize = "/oauth2/authorize"
	PathToken     = "/oauth2/token"
	PathRevoke    = "/oauth2/revoke"
	PathUserinfo  = "/oauth2/userinfo"

	PathClioAuthorize   = "/oauth/authorize"
	PathClioToken       = "/oauth/token"
	PathClioDeauthorize = "/oauth/deauthorize"
	PathClioApproval    = "/oauth/approval"
	PathClioWhoAmI      = "/api/v4/users/who_am_i"

	PathAnthropicToken = "/api/auth/oauth/token"
	// PathAnthropicTokenMoved serves the same endpoint at another path, as
	// if the service had moved it: only a token URL set whole reaches it.
	PathAnthropicTokenMoved = "/v2/oauth/token"

	// ClientCasaPrefix is where the standard endpoints are mounted a second
	// time, so that a ClientCasa preset pointed at the server's URL works
	// unchanged.
	ClientCasaPrefix = "/api/auth"
)

// Decision is what the simulated user answers on the consent screen of a
// server without Config.Consent.
type Decision int

const (
	Approve Decision = iota // grant every requested scope
	Deny                    // answer error=access_denied
)

// Config sets up a Server. The zero value is usable.
type Config struct {
	// AccessTokenLifespan defaults to one hour.
	AccessTokenLifespan time.Duration
	// RefreshTokenLifespan defaults to 30 days; -1 means never.
	RefreshTokenLifespan time.Duration
	// CodeLifespan is how long an authorization code stays valid; defaults
	// to 10 minutes (as Clio documents).
	CodeLifespan time.Duration
	// UserName and UserEmail are what userinfo and who_am_i report.
	// Defaults: "Demo User", "demo.user@example.test".
	UserName, UserEmail string
	// SubscriptionType is what the Anthropic dialect reports; default "max".
	SubscriptionType string
	// Consent makes the authorize endpoints show a consent page in the
	// browser (Approve / Deny, the app's name, the user, the requested
	// scopes in plain words) and answer as the user clicks, instead of at
	// once as SetDecision says (which it then ignores). Visit clicks
	// Approve on it.
	Consent bool
	// AppName and ProviderName are what the consent page calls the client
	// and the server; defaults "Tokentray" and "Demo provider".
	AppName, ProviderName string
	// Logf receives one line per request (method, path, status); nil means
	// silent. It never receives a token.
	Logf func(format string, args ...any)
}

// Server is a running authorization server. Its methods are safe for
// concurrent use.
type Server struct {
	// URL is the base URL, http://127.0.0.1:PORT, with no trailing slash.
	URL string

	cfg      Config
	store    *storage.MemoryStore
	provider fosite.OAuth2Provider
	srv      *http.Server
	ln       net.Listener

	// mu serialises every call into fosite: its MemoryStore races when a
	// token is revoked while other calls run. It also guards the fields
	// below.
	mu            sync.Mutex
	decision      Decision
	lastAuthorize url.Values
	tokenCalls    map[string]int            // grant_type → count of successful grants
	requests      int                       // token-endpoint requests, any outcome
	clioAliases   map[string]string         // stable Clio refresh token → current fosite one
	pending       map[string]pendingConsent // consent nonce → request awaiting an answer
	pendingSeq    uint64
	apiServed     int           // API calls (api.go) with a valid token
	apiRefused    int           // API calls refused for want of one
	streamHold    chan struct{} // HoldStreams
}

// Start starts a server on 127.0.0.1:0. Close it when done.
func Start(cfg Config) (*Server, error) {
	if cfg.CodeLifespan == 0 {
		cfg.CodeLifespan = 10 * time.Minute
	}
	if cfg.UserName == "" {
		cfg.UserName = "Demo User"
	}
	if cfg.UserEmail == "" {
		cfg.UserEmail = "demo.user@example.test"
	}
	if cfg.SubscriptionType == "" {
		cfg.SubscriptionType = "max"
	}
	if cfg.AppName == "" {
		cfg.AppName = "Tokentray"
	}
	if cfg.ProviderName == "" {
		cfg.ProviderName = "Demo provider"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("authtest: listen: %w", err)
	}
	s := &Server{
		URL:         "http://" + ln.Addr().String(),
		cfg:         cfg,
		ln:          ln,
		store:       storage.NewMemoryStore(),
		tokenCalls:  map[string]int{},
		clioAliases: map[string]string{},
		pending:     map[string]pendingConsent{},
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		ln.Close()
		return nil, fmt.Errorf("authtest: secret: %w", err)
	}
	fcfg := &fosite.Config{
		AccessTokenLifespan:      cfg.AccessTokenLifespan,
		RefreshTokenLifespan:     cfg.RefreshTokenLifespan,
		AuthorizeCodeLifespan:    cfg.CodeLifespan,
		GlobalSecret:             secret,
		EnforcePKCE:              true,       // Tokentray always sends S256; a client that does not is a bug
		RefreshTokenScopes:       []string{}, // refresh tokens for every grant (pitfall 3)
		ScopeStrategy:            fosite.ExactScopeStrategy,
		AudienceMatchingStrategy: fosite.DefaultAudienceMatchingStrategy,
	}
	s.provider = compose.Compose(fcfg, s.store, compose.NewOAuth2HMACStrategy(fcfg),
		compose.OAuth2AuthorizeExplicitFactory,
		compose.OAuth2RefreshTokenGrantFactory,
		compose.OAuth2TokenRevocationFactory,
		compose.OAuth2TokenIntrospectionFactory,
		compose.OAuth2PKCEFactory,
	)
	if err := s.registerClients(); err != nil {
		ln.Close()
		return nil, err
	}
	s.srv = &http.Server{
		Handler:           s.routes(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(discard{}, "", 0),
	}
	go s.srv.Serve(ln) //nolint:errcheck // returns ErrServerClosed on Close
	return s, nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// TB is the part of testing.TB that NewServer uses; it keeps package testing
// out of the demo build.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// NewServer starts a server for a test and closes it when the test ends.
func NewServer(t TB, cfg Config) *Server {
	t.Helper()
	s, err := Start(cfg)
	if err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Close shuts the server down and waits for its handlers to return.
func (s *Server) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		s.srv.Close()
	}
}

func (s *Server) registerClients() error {
	hash, err := bcrypt.GenerateFromPassword([]byte(ClientSecret), bcrypt.MinCost)
	if err != nil {
		return fmt.Errorf("authtest: hash secret: %w", err)
	}
	redirects := []string{
		"http://127.0.0.1/callback", // any port (RFC 8252 §7.3)
		"http://[::1]/callback",
		fmt.Sprintf("http://localhost:%d/callback", FixedPort),
		s.URL + PathClioApproval,
		LandingPage,
	}
	scopes := []string{"openid", "profile", "email", "offline", "offline_access",
		"read:clients", "user:inference", "user:profile", "demo"}
	s.store.Clients[ClientID] = &fosite.DefaultClient{
		ID:            ClientID,
		Secret:        hash,
		RedirectURIs:  redirects,
		ResponseTypes: []string{"code"},
		GrantTypes:    []string{"authorization_code", "refresh_token"},
		Scopes:        scopes,
	}
	s.store.Clients[PublicClientID] = &fosite.DefaultClient{
		ID:            PublicClientID,
		Public:        true,
		RedirectURIs:  redirects,
		ResponseTypes: []string{"code"},
		GrantTypes:    []string{"authorization_code", "refresh_token"},
		Scopes:        scopes,
	}
	return nil
}

// SetDecision sets what the simulated user answers from now on. A server
// with Config.Consent asks the user instead.
func (s *Server) SetDecision(d Decision) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.decision = d
}

// LastAuthorize returns the query of the last authorization request.
func (s *Server) LastAuthorize() url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastAuthorize
}

// GrantCount returns how many tokens the server issued for grantType
// ("authorization_code" or "refresh_token") on any dialect.
func (s *Server) GrantCount(grantType string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenCalls[grantType]
}

// Accepts reports whether the server takes accessToken as a valid bearer
// token right now (as its userinfo endpoint would).
func (s *Server) Accepts(ctx context.Context, accessToken string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _, err := s.provider.IntrospectToken(ctx, accessToken, fosite.AccessToken, s.session())
	return err == nil
}

// AccessExpiry returns when the server lets accessToken expire, and false
// if it does not hold the token (never issued, or revoked, as a refresh
// revokes the access token it replaces). Unlike Accepts it does not depend
// on the moment it is asked.
func (s *Server) AccessExpiry(ctx context.Context, accessToken string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	req, err := s.store.GetAccessTokenSession(ctx, s.tokenSignature(accessToken), s.session())
	if err != nil {
		return time.Time{}, false
	}
	return req.GetSession().GetExpiresAt(fosite.AccessToken), true
}

// ExpireAccess ends accessToken's lifetime now, as if it had run out (a
// Clio access token's 7 days): from then on the server answers it as it
// answers any expired token (401 on who_am_i, userinfo and deauthorize).
// The grant's refresh token is untouched.
func (s *Server) ExpireAccess(ctx context.Context, accessToken string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	req, err := s.store.GetAccessTokenSession(ctx, s.tokenSignature(accessToken), s.session())
	if err != nil {
		return fmt.Errorf("authtest: unknown access token: %w", err)
	}
	req.GetSession().SetExpiresAt(fosite.AccessToken, time.Now().Add(-time.Second))
	return nil
}

// TokenRequests returns how many requests reached a token endpoint (any
// dialect, any outcome, injected faults included).
func (s *Server) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// Endpoint returns the standard endpoints with AuthStyle client_secret_post.
func (s *Server) Endpoint() oauth2.Endpoint {
	return oauth2.Endpoint{
		AuthURL:   s.URL + PathAuthorize,
		TokenURL:  s.URL + PathToken,
		AuthStyle: oauth2.AuthStyleInParams,
	}
}

// Revoke revokes every token of the grant that refreshToken belongs to, as
// if the user had disconnected the app at the provider.
func (s *Server) Revoke(ctx context.Context, refreshToken string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if alias, ok := s.clioAliases[refreshToken]; ok {
		refreshToken = alias
	}
	sig := s.tokenSignature(refreshToken)
	rt, ok := s.store.RefreshTokens[sig]
	if !ok {
		return errors.New("authtest: unknown refresh token")
	}
	id := rt.GetID()
	if err := s.store.RevokeRefreshToken(ctx, id); err != nil {
		return fmt.Errorf("authtest: revoke refresh token: %w", err)
	}
	if err := s.store.RevokeAccessToken(ctx, id); err != nil {
		return fmt.Errorf("authtest: revoke access token: %w", err)
	}
	return nil
}

// RefreshActive reports whether the server would still accept refreshToken
// (issued by it, neither used up by rotation nor revoked), without using it.
func (s *Server) RefreshActive(ctx context.Context, refreshToken string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if alias, ok := s.clioAliases[refreshToken]; ok {
		refreshToken = alias
	}
	_, err := s.store.GetRefreshTokenSession(ctx, s.tokenSignature(refreshToken), nil)
	return err == nil
}

func (s *Server) tokenSignature(token string) string {
	// HMAC tokens (access and refresh) are "key.signature"; the store is
	// keyed by the signature.
	if i := strings.LastIndexByte(token, '.'); i >= 0 {
		return token[i+1:]
	}
	return token
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b)
}
