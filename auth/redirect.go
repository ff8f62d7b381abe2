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

// RedirectError is a redirect value that WithRedirect refuses, with the
// reason in words for the user.
type RedirectError struct {
	Value  string // as given
	Reason Phrase // lower-case, no final full stop
}

func (e *RedirectError) Error() string {
	return "redirect " + strconv.Quote(e.Value) + ": " + e.Reason.String()
}
func (e *RedirectError) Is(target error) bool { return target == ErrBadRedirect }

// Message is the plain sentence.
func (e *RedirectError) Message() string { return Render(e.Words()) }

// Words is Message as a message ID and its fields; the reason is a Phrase
// of its own, translated as a field.
func (e *RedirectError) Words() (string, map[string]any) {
	return "The redirect “{{.Value}}” cannot be used: {{.Reason}}.", map[string]any{"Value": e.Value, "Reason": e.Reason}
}

// RedirectChoices is what WithRedirect takes, for help texts. The words
// loopback and approval are typed as they are, in every language.
var RedirectChoices = Phrase{ID: "loopback, approval (Clio), http://127.0.0.1:PORT/PATH (or localhost, [::1]) or an https:// address"}

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
	bad := func(why Phrase) (Provider, error) {
		return Provider{}, &RedirectError{Value: v, Reason: why}
	}
	choices := map[string]any{"Choices": RedirectChoices}
	if p.redirectMode() == RedirectNone {
		return bad(Phrase{"{{.Provider}} has no browser sign-in (its credentials are imported), so it takes no redirect", map[string]any{"Provider": p.Name}})
	}
	switch strings.ToLower(v) {
	case "":
		return bad(Phrase{"it is empty; give one of {{.Choices}}", choices})
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
			return bad(Phrase{"only Clio has an approval page; for {{.Provider}} use loopback, a http://127.0.0.1:PORT/PATH address or an https:// page", map[string]any{"Provider": p.Name}})
		}
		p.Redirect, p.RedirectPort, p.RedirectPath, p.PageURL = RedirectApproval, 0, "", ""
		return p, nil
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" || u.Hostname() == "" || u.Opaque != "" {
		return bad(Phrase{"it is not an address; give one of {{.Choices}}", choices})
	}
	if u.User != nil {
		return bad(Phrase{ID: "a redirect address cannot carry a user name or password"})
	}
	if u.Fragment != "" || strings.Contains(v, "#") {
		return bad(Phrase{ID: "a redirect address cannot have a #… part"})
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return bad(Phrase{"its port {{.Port}} is not a port number from 1 to 65535", map[string]any{"Port": port}})
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
		return bad(Phrase{ID: "Tokentray can receive the sign-in only at an http://127.0.0.1 (or localhost, [::1]) address on this computer, or at an https:// page"})
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
		return bad(Phrase{ID: "plain http is allowed only to this computer (127.0.0.1, [::1] or localhost); a page on the web needs https://"})
	}
	if u.RawQuery != "" || u.ForceQuery {
		return bad(Phrase{ID: "a loopback redirect cannot have a ?… part"})
	}
	pth := u.EscapedPath()
	if pth == "" {
		pth = "/"
	}
	if !cleanPath(pth) {
		return bad(Phrase{"its path {{.Path}} may hold only letters, digits, '-', '.', '_', '~' and single '/' between its parts", map[string]any{"Path": pth}})
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

// RedirectDescription says in a sentence where the sign-in comes back to,
// for summaries and the settings dialog.
func (p Provider) RedirectDescription() string { return Render(p.RedirectWords()) }

// RedirectWords is RedirectDescription as a message ID and its fields.
func (p Provider) RedirectWords() (string, map[string]any) {
	switch p.redirectMode() {
	case RedirectApproval:
		return "Sign-in ends on Clio's approval page ({{.Page}}): Tokentray reads the code from the browser's window title, " +
			"or you paste the page's address.", map[string]any{"Page": p.ApprovalURL}
	case RedirectPage:
		return "Sign-in ends on the web page {{.Page}}: after you approve, copy the address your browser shows " +
			"and paste it into Tokentray.", map[string]any{"Page": p.PageURL}
	case RedirectLoopback:
		if p.RedirectPort == 0 {
			return "Sign-in comes back to Tokentray on this computer at {{.Address}}, on any free port.", map[string]any{"Address": p.loopbackURL(0)}
		}
		return "Sign-in comes back to Tokentray on this computer at {{.Address}}.", map[string]any{"Address": p.loopbackURL(p.RedirectPort)}
	}
	return "No browser sign-in: the credentials are imported.", nil
}
