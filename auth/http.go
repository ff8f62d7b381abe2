// The HTTP plumbing shared by the token, identity, revocation and discovery
// calls.

package auth

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxResponse bounds every response body read from a provider, as
// golang.org/x/oauth2 does for token responses.
const maxResponse = 1 << 20

// defaultHTTPTimeout bounds each HTTP call when the caller's client has no
// timeout of its own.
const defaultHTTPTimeout = 30 * time.Second

// httpClient is c, or a client with defaultHTTPTimeout when c is nil.
func httpClient(c *http.Client) *http.Client {
	if c != nil {
		return c
	}
	return &http.Client{Timeout: defaultHTTPTimeout}
}

// postForm is a form-encoded POST of form to target, bound to ctx.
func postForm(ctx context.Context, target string, form url.Values) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req, nil
}

// do sends req and returns the body, at most maxResponse bytes; a non-2xx
// status is an *oauth2.RetrieveError.
func do(client *http.Client, req *http.Request) ([]byte, error) {
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, retrieveError(resp, data)
	}
	return data, nil
}
