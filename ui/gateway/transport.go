package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/claude"
)

// wrapperPath is the Claude wrapper's call that takes oauth_credentials.
const wrapperPath = "/v1/messages"

// invalidKey is what the Claude wrapper answers for an access token that
// is no longer good: its clients refresh once and call again.
const invalidKey = "Invalid API key"

// maxErrorPeek bounds how much of an upstream's error answer is read to
// see whether it refused the token.
const maxErrorPeek = 64 << 10

// bearer is the proxy's transport: it sends a request upstream with a
// fresh token, and once more with a renewed one when the service refuses
// it (401; the wrapper's "Invalid API key") and the request can be sent
// again.
type bearer struct{ s *Server }

// Errors the proxy's ErrorHandler words.
type (
	// tokenError: no token could be had (reconnect needed, the keyring,
	// the provider not answering).
	tokenError struct{ err error }
	// upstreamError: the service could not be reached.
	upstreamError struct{ err error }
	// bodyError: the request's body cannot be taken.
	bodyError struct {
		tooLarge bool
		err      error
	}
)

func (e *tokenError) Error() string    { return "token: " + e.err.Error() }
func (e *tokenError) Unwrap() error    { return e.err }
func (e *upstreamError) Error() string { return "upstream: " + e.err.Error() }
func (e *upstreamError) Unwrap() error { return e.err }
func (e *bodyError) Error() string     { return "request body: " + e.err.Error() }
func (e *bodyError) Unwrap() error     { return e.err }

func (b *bearer) RoundTrip(req *http.Request) (*http.Response, error) {
	p := req.Context().Value(routeKey{}).(*proxied)
	s := b.s
	wrapped := p.route.Wrapper && req.Method == http.MethodPost && p.path == wrapperPath
	body, replay, err := s.takeBody(req, wrapped)
	if err != nil {
		return nil, err
	}
	id := p.route.Account.ID
	tok, err := s.cfg.Accounts.EnsureFresh(req.Context(), id, s.cfg.MinValid)
	if err != nil {
		return nil, &tokenError{err}
	}
	resp, err := b.send(req, p, tok, body, wrapped)
	if err != nil || !replay {
		return resp, err
	}
	refused, resp, err := refusedToken(resp, p.route.Wrapper)
	if err != nil || !refused {
		return resp, err
	}
	resp.Body.Close()
	tok, err = s.cfg.Accounts.Renew(req.Context(), id, tok.AccessToken, s.cfg.MinValid)
	if err != nil {
		return nil, &tokenError{err}
	}
	return b.send(req, p, tok, body, wrapped)
}

// send sends one try of req with tok: as a Bearer token, or, for the
// wrapper's call, as the body's oauth_credentials.
func (b *bearer) send(req *http.Request, p *proxied, tok *auth.Token, body *[]byte, wrapped bool) (*http.Response, error) {
	out := req.Clone(req.Context())
	if !p.route.Wrapper {
		out.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	}
	if body != nil {
		data := *body
		if wrapped {
			var err error
			if data, err = withCredentials(data, p, tok); err != nil {
				return nil, err
			}
		}
		out.Body = io.NopCloser(bytes.NewReader(data))
		out.ContentLength = int64(len(data))
		out.Header.Del("Content-Length")
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	}
	resp, err := b.s.cfg.Transport.RoundTrip(out)
	if err != nil {
		if req.Context().Err() != nil {
			return nil, req.Context().Err()
		}
		return nil, &upstreamError{err}
	}
	return resp, nil
}

// takeBody reads a request's body so that it can be sent twice: nil for
// none; the whole body when it is at most MaxReplay. A larger one stays a
// stream (replay false), except for the wrapper's call, whose body must be
// read to be rewritten.
func (s *Server) takeBody(req *http.Request, wrapped bool) (body *[]byte, replay bool, err error) {
	if req.Body == nil || req.Body == http.NoBody {
		if wrapped {
			return nil, false, &bodyError{err: errors.New("no body")}
		}
		return nil, true, nil
	}
	data, err := io.ReadAll(io.LimitReader(req.Body, s.cfg.MaxReplay+1))
	if err != nil {
		return nil, false, &bodyError{err: err}
	}
	if int64(len(data)) <= s.cfg.MaxReplay {
		return &data, true, nil
	}
	if wrapped {
		return nil, false, &bodyError{tooLarge: true, err: fmt.Errorf("over %d bytes", s.cfg.MaxReplay)}
	}
	req.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(data), req.Body), req.Body}
	return nil, false, nil
}

// withCredentials puts the account's fresh credentials into a wrapper
// call's JSON body as oauth_credentials, over any the caller sent.
func withCredentials(body []byte, p *proxied, tok *auth.Token) ([]byte, error) {
	var call map[string]json.RawMessage
	if err := json.Unmarshal(body, &call); err != nil || call == nil {
		return nil, &bodyError{err: errors.New("not a JSON object")}
	}
	a := p.route.Account
	scopes := a.Scopes
	if scopes == nil {
		scopes = []string{}
	}
	creds, err := json.Marshal(claude.Wrapper{
		AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken,
		ExpiresAt: tok.Expiry.UnixMilli(), Scopes: scopes,
		SubscriptionType: a.Extra["subscription_type"],
	})
	if err != nil {
		return nil, err
	}
	call["oauth_credentials"] = creds
	return json.Marshal(call)
}

// refusedToken says whether resp refuses the token it was sent with: a
// 401, or the wrapper's "Invalid API key" in an error answer. What it read
// of the body to tell is given back in resp.
func refusedToken(resp *http.Response, wrapper bool) (bool, *http.Response, error) {
	if resp.StatusCode == http.StatusUnauthorized && !wrapper {
		return true, resp, nil
	}
	if !wrapper || resp.StatusCode < 400 {
		return false, resp, nil
	}
	peek, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorPeek))
	if err != nil {
		resp.Body.Close()
		return false, nil, &upstreamError{err}
	}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(peek), resp.Body), resp.Body}
	return resp.StatusCode == http.StatusUnauthorized || strings.Contains(string(peek), invalidKey), resp, nil
}
