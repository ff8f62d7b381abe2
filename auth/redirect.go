package auth

import (
	"errors"
	"net"
	"net/url"
	"path"
	"strconv"
	"strings"
)

// ErrBadRedirect matches (errors.Is) every *RedirectError.
var ErrBadRedirect = errors.New("not a redirect Tokentray can use")

// RedirectError is a redirect value that WithRedirect refuses, and why
// (ui/words says it to a person).
type RedirectError struct {
	Value  string // as given
	Reason RedirectReason
}

func (e *RedirectError) Error() string {
	return "redirect " + strconv.Quote(e.Value) + ": " + e.Reason.String()
}
func (e *RedirectError) Is(target error) bool { return target == ErrBadRedirect }

// RedirectReason is why WithRedirect refused a value: the rule it breaks,
// and the parts of the value (or the provider) that rule names.
type RedirectReason struct {
	Rule     RedirectRule
	Provider string // the provider's name: NoSignIn, OnlyClio
	Port     string // the port as given: PortRange
	Path     string // the path as given: BadPath
}

// String is the rule and its parts, for logs.
func (r RedirectReason) String() string {
	s := r.Rule.String()
	for _, part := range []string{r.Provider, r.Port, r.Path} {
		if part != "" {
			s += " (" + strconv.Quote(part) + ")"
		}
	}
	return s
}

// RedirectRule is a rule a redirect breaks.
type RedirectRule int

const (
	// NoSignIn: the provider has no browser sign-in (RedirectNone).
	NoSignIn RedirectRule = iota + 1
	// EmptyRedirect: nothing was given.
	EmptyRedirect
	// OnlyClio: "approval" for a provider with no approval page.
	OnlyClio
	// NotAnAddress: neither a word WithRedirect knows nor an address.
	NotAnAddress
	// UserInAddress: the address carries a user name or password.
	UserInAddress
	// FragmentInAddress: the address has a #… part.
	FragmentInAddress
	// PortRange: the port is not from 1 to 65535.
	PortRange
	// OtherScheme: neither http nor https.
	OtherScheme
	// PlainHTTPOff: plain http to another computer.
	PlainHTTPOff
	// QueryInLoopback: a loopback address with a ?… part.
	QueryInLoopback
	// BadPath: a loopback path that is not clean (see cleanPath).
	BadPath
)

var ruleNames = [...]string{"", "no browser sign-in", "empty", "no approval page", "not an address",
	"user name", "fragment", "port out of range", "not http or https", "plain http elsewhere", "loopback query",
	"unclean path"}

func (r RedirectRule) String() string {
	if r > 0 && int(r) < len(ruleNames) {
		return ruleNames[r]
	}
	return "rule(" + strconv.Itoa(int(r)) + ")"
}

// WithRedirect returns p with its redirect set from value, in the words a
// person types (the same for the command line, the settings dialog and
// connection profiles):
//
//   - "loopback": back to a listener on this computer at the preset's host
//     and path (127.0.0.1 and /callback unless the preset says otherwise),
//     on the preset's registered port or else any free port (RFC 8252
//     §7.3);
//   - "http://127.0.0.1:PORT/PATH", "http://localhost:PORT/PATH" or
//     "http://[::1]:PORT/PATH": a loopback URI as registered with the
//     provider; without a port, any free port;
//   - "approval": Clio's desktop approval page (Clio providers only);
//   - "https://…": a page registered with the provider (RFC 6749 §3.1.2);
//     after approving, the user pastes the address the browser shows,
//     whose state must be this attempt's (see ParseLanded).
//
// Anything else is a *RedirectError: plain http off this computer, a port
// outside 1–65535, a #fragment, a user name in the address, another
// scheme. A provider without a browser sign-in (RedirectNone) takes none.
func (p Provider) WithRedirect(value string) (Provider, error) {
	v := strings.TrimSpace(value)
	bad := func(why RedirectReason) (Provider, error) {
		return Provider{}, &RedirectError{Value: v, Reason: why}
	}
	if p.redirectMode() == RedirectNone {
		return bad(RedirectReason{Rule: NoSignIn, Provider: p.Name})
	}
	switch strings.ToLower(v) {
	case "":
		return bad(RedirectReason{Rule: EmptyRedirect})
	case "loopback":
		host, port, pth := "127.0.0.1", 0, "/callback"
		if pre, ok := Preset(p.ID); ok {
			if pre.RedirectHost != "" {
				host = pre.RedirectHost
			}
			if pre.RedirectPath != "" {
				pth = pre.RedirectPath
			}
			port = pre.RedirectPort
		} else if p.redirectMode() == RedirectLoopback {
			// A custom provider keeps its own loopback settings.
			if p.RedirectHost != "" {
				host = p.RedirectHost
			}
			if p.RedirectPath != "" {
				pth = p.RedirectPath
			}
			port = p.RedirectPort
		}
		p.Redirect, p.RedirectHost, p.RedirectPort, p.RedirectPath, p.PageURL = RedirectLoopback, host, port, pth, ""
		return p, nil
	case "approval":
		if p.ApprovalURL == "" {
			return bad(RedirectReason{Rule: OnlyClio, Provider: p.Name})
		}
		p.Redirect, p.RedirectPort, p.RedirectPath, p.PageURL = RedirectApproval, 0, "", ""
		return p, nil
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" || u.Hostname() == "" || u.Opaque != "" {
		return bad(RedirectReason{Rule: NotAnAddress})
	}
	if u.User != nil {
		return bad(RedirectReason{Rule: UserInAddress})
	}
	if u.Fragment != "" || strings.Contains(v, "#") {
		return bad(RedirectReason{Rule: FragmentInAddress})
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return bad(RedirectReason{Rule: PortRange, Port: port})
		}
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		if p.ApprovalURL != "" && v == p.ApprovalURL {
			return p.WithRedirect("approval") // Clio's page: its title can be read too
		}
		p.Redirect, p.RedirectPort, p.RedirectPath, p.PageURL = RedirectPage, 0, "", v
		return p, nil
	case "http":
	default:
		return bad(RedirectReason{Rule: OtherScheme})
	}
	host := u.Hostname()
	switch ip := net.ParseIP(host); {
	case strings.EqualFold(host, "localhost"):
		host = "localhost"
	case ip != nil && ip.IsLoopback() && ip.To4() == nil:
		host = "[::1]"
	case ip != nil && ip.IsLoopback():
		host = ip.String()
	default:
		return bad(RedirectReason{Rule: PlainHTTPOff})
	}
	if u.RawQuery != "" || u.ForceQuery {
		return bad(RedirectReason{Rule: QueryInLoopback})
	}
	pth := u.EscapedPath()
	if pth == "" {
		pth = "/"
	}
	if !cleanPath(pth) {
		return bad(RedirectReason{Rule: BadPath, Path: pth})
	}
	port := 0
	if s := u.Port(); s != "" {
		port, _ = strconv.Atoi(s) // checked above
	}
	p.Redirect, p.RedirectHost, p.RedirectPort, p.RedirectPath, p.PageURL = RedirectLoopback, host, port, pth, ""
	return p, nil
}

// cleanPath accepts a listener path: absolute, clean (no //, ., ..), of
// unreserved characters only (RFC 3986 §2.3), so that it is the same to
// the browser, the provider and the listener's pattern.
func cleanPath(s string) bool {
	if !strings.HasPrefix(s, "/") || len(s) > 200 {
		return false
	}
	if c := path.Clean(s); s != c && s != c+"/" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~/", r)) {
			return false
		}
	}
	return true
}

// RedirectValue is p's redirect in WithRedirect's words, as it would be
// typed again: "approval", the https page, or the loopback URI (without a
// port when any free port is taken). It is empty for a provider without a
// browser sign-in.
func (p Provider) RedirectValue() string {
	switch p.redirectMode() {
	case RedirectApproval:
		return "approval"
	case RedirectPage:
		return p.PageURL
	case RedirectLoopback:
		return p.loopbackURL(p.RedirectPort)
	}
	return ""
}

// loopbackURL is the loopback redirect with that port (0: none written).
func (p Provider) loopbackURL(port int) string {
	host := p.RedirectHost
	switch host {
	case "":
		host = "127.0.0.1"
	case "::1":
		host = "[::1]"
	}
	pth := p.RedirectPath
	if pth == "" {
		pth = "/callback"
	}
	if port != 0 {
		host += ":" + strconv.Itoa(port)
	}
	return "http://" + host + pth
}
