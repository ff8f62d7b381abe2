package auth

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
)

// ErrBadURL matches (errors.Is) every *URLError.
var ErrBadURL = errors.New("not an address Tokentray sends tokens to")

// URLError is an address that WithTokenURL refuses: tokens go only to an
// https address, or over plain http to this computer (SafeURL). ui/words
// says so to a person.
type URLError struct {
	Value string // as given
}

func (e *URLError) Error() string {
	return "address " + strconv.Quote(e.Value) + ": not https, nor http to this computer"
}
func (e *URLError) Is(target error) bool { return target == ErrBadURL }

// WithTokenURL returns p with its token endpoint set to value, whole: for
// a service that moved it (Anthropic's is a fixed path on its host, which a
// base URL alone cannot follow), or a sandbox at another path. The same
// for the command line (provider set --token-url), the settings dialog and
// connection profiles. An address that is not https, or http to this
// computer, is a *URLError.
func (p Provider) WithTokenURL(value string) (Provider, error) {
	v := strings.TrimSpace(value)
	if !SafeURL(v) {
		return p, &URLError{Value: v}
	}
	p.Endpoint.TokenURL = v
	return p, nil
}

// WithAPIBase returns p with its API base (APIBase, where the local gateway
// sends an account's requests) set to value: https, or http to this
// computer, as every address tokens are sent to; empty clears it. The same
// for the command line (provider set --api-base), the settings dialog and
// connection profiles.
func (p Provider) WithAPIBase(value string) (Provider, error) {
	v := strings.TrimRight(strings.TrimSpace(value), "/")
	if v == "" {
		p.APIBase = ""
		return p, nil
	}
	if _, err := CheckAPIBase(v); err != nil {
		return p, err
	}
	p.APIBase = v
	return p, nil
}

// CheckAPIBase parses an API base: an https address, or http to this
// computer, with no query or fragment; else a *URLError.
func CheckAPIBase(value string) (*url.URL, error) {
	u, err := url.Parse(value)
	if err != nil || !SafeURL(value) || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, &URLError{Value: value}
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u, nil
}
