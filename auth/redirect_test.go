package auth

import (
	"errors"
	"strings"
	"testing"
)

func TestWithRedirect(t *testing.T) {
	clio, _ := Preset("clio-eu")
	casa, _ := Preset("clientcasa")
	anthropic, _ := Preset("anthropic")
	custom := Generic("https://login.acme.example/authorize", "https://login.acme.example/token")
	custom.ID, custom.Name, custom.RedirectPort = "acme", "Acme", 8400

	type want struct {
		mode       RedirectMode
		host       string
		port       int
		path, page string
		value      string // RedirectValue afterwards
	}
	cases := []struct {
		p    Provider
		in   string
		want want
	}{
		{clio, "loopback", want{mode: RedirectLoopback, host: "127.0.0.1", path: "/callback", value: "http://127.0.0.1/callback"}},
		{clio, " Loopback ", want{mode: RedirectLoopback, host: "127.0.0.1", path: "/callback", value: "http://127.0.0.1/callback"}},
		{clio, "approval", want{mode: RedirectApproval, value: "approval"}},
		{clio, "https://eu.app.clio.com/oauth/approval", want{mode: RedirectApproval, value: "approval"}},
		{clio, "http://127.0.0.1:8765/clio/back", want{mode: RedirectLoopback, host: "127.0.0.1", port: 8765, path: "/clio/back",
			value: "http://127.0.0.1:8765/clio/back"}},
		{casa, "loopback", want{mode: RedirectLoopback, host: "localhost", port: 53111, path: "/callback", value: "http://localhost:53111/callback"}},
		{casa, "http://localhost:53111/callback", want{mode: RedirectLoopback, host: "localhost", port: 53111, path: "/callback",
			value: "http://localhost:53111/callback"}},
		{casa, "http://[::1]:9000/cb", want{mode: RedirectLoopback, host: "[::1]", port: 9000, path: "/cb", value: "http://[::1]:9000/cb"}},
		{casa, "http://LOCALHOST:9000", want{mode: RedirectLoopback, host: "localhost", port: 9000, path: "/", value: "http://localhost:9000/"}},
		{casa, "https://crm.firm.example/oauth/tokentray?via=casa", want{mode: RedirectPage,
			page: "https://crm.firm.example/oauth/tokentray?via=casa", value: "https://crm.firm.example/oauth/tokentray?via=casa"}},
		{custom, "loopback", want{mode: RedirectLoopback, host: "127.0.0.1", port: 8400, path: "/callback", value: "http://127.0.0.1:8400/callback"}},
		{custom, "http://127.0.0.1/callback", want{mode: RedirectLoopback, host: "127.0.0.1", path: "/callback", value: "http://127.0.0.1/callback"}},
	}
	for _, c := range cases {
		got, err := c.p.WithRedirect(c.in)
		if err != nil {
			t.Errorf("%s %q: %v", c.p.ID, c.in, err)
			continue
		}
		g := want{got.redirectMode(), got.RedirectHost, got.RedirectPort, got.RedirectPath, got.PageURL, got.RedirectValue()}
		if got.redirectMode() != RedirectLoopback {
			g.host, g.path = "", "" // unused then
		}
		if g != c.want {
			t.Errorf("%s %q:\n got %+v\nwant %+v", c.p.ID, c.in, g, c.want)
		}
		// The value given back is taken again as the same redirect.
		again, err := got.WithRedirect(got.RedirectValue())
		if err != nil || again.RedirectValue() != got.RedirectValue() || again.redirectMode() != got.redirectMode() {
			t.Errorf("%s %q: RedirectValue %q does not round-trip: %q, %v", c.p.ID, c.in, got.RedirectValue(), again.RedirectValue(), err)
		}
		if got.redirectMode() == RedirectNone {
			t.Errorf("%s %q: no browser sign-in", c.p.ID, c.in)
		}
	}

	refused := []struct {
		p    Provider
		in   string
		rule RedirectRule // ui/words says it (its words are tested there)
	}{
		{casa, "", EmptyRedirect},
		{casa, "approval", OnlyClio},
		{custom, "approval", OnlyClio},
		{anthropic, "loopback", NoSignIn},
		{casa, "http://crm.firm.example/callback", PlainHTTPOff},
		{casa, "http://192.168.1.10:53111/callback", PlainHTTPOff},
		{casa, "http://127.0.0.1:0/callback", PortRange},
		{casa, "http://127.0.0.1:70000/callback", PortRange},
		{casa, "https://crm.firm.example:99999/cb", PortRange},
		{casa, "http://127.0.0.1:8080/cb?x=1", QueryInLoopback},
		{casa, "https://crm.firm.example/cb#top", FragmentInAddress},
		{casa, "https://user:pw@crm.firm.example/cb", UserInAddress},
		{casa, "http://127.0.0.1:8080/a/../b", BadPath},
		{casa, "http://127.0.0.1:8080/{id}", BadPath},
		{casa, "http://127.0.0.1:8080//cb", BadPath},
		{casa, "com.firm.app:/oauth", NotAnAddress},
		{casa, "ftp://127.0.0.1/cb", OtherScheme},
		{casa, "127.0.0.1:8080/callback", NotAnAddress},
		{casa, "https:///cb", NotAnAddress},
		{casa, "localhost", NotAnAddress},
	}
	for _, c := range refused {
		_, err := c.p.WithRedirect(c.in)
		var re *RedirectError
		if !errors.As(err, &re) || !errors.Is(err, ErrBadRedirect) {
			t.Errorf("%s %q: got %v, want a *RedirectError", c.p.ID, c.in, err)
			continue
		}
		if re.Reason.Rule != c.rule || re.Value != strings.TrimSpace(c.in) {
			t.Errorf("%s %q: refused %q for %v, want %v", c.p.ID, c.in, re.Value, re.Reason, c.rule)
		}
		if c.rule == NoSignIn || c.rule == OnlyClio {
			if re.Reason.Provider != c.p.Name {
				t.Errorf("%s %q: the reason names %q, want %q", c.p.ID, c.in, re.Reason.Provider, c.p.Name)
			}
		}
	}
}

func TestParseLanded(t *testing.T) {
	const state = "state-0123456789"
	const page = "https://crm.firm.example/oauth/tokentray"
	cases := []struct {
		in, code string
		err      error // a sentinel, or nil with kind
		kind     Kind
	}{
		{in: page + "?code=abcd1234&state=" + state, code: "abcd1234"},
		{in: "  " + page + "?state=" + state + "&code=ory_ac_Q1.w2\n", code: "ory_ac_Q1.w2"},
		{in: page + "?via=casa&code=abcd1234&state=" + state, code: "abcd1234"},
		{in: page + "?error=access_denied&state=" + state, kind: KindDeclined},
		{in: page + "?error=invalid_scope&state=" + state, kind: KindMisconfigured},
		{in: page + "?code=abcd1234&state=another-attempt", err: ErrOtherAttempt},
		{in: page + "?error=access_denied&state=another-attempt", err: ErrOtherAttempt},
		{in: page + "?code=abcd1234", err: ErrNoState},
		{in: page + "?error=access_denied", err: ErrNoState},
		{in: page, err: ErrNotLanded},
		{in: page + "?state=" + state, err: ErrNotLanded},
		{in: "abcd1234", err: ErrNotLanded},
		{in: "Success code=abcd1234", err: ErrNotLanded},
		{in: "", err: ErrNotLanded},
		{in: "%zz", err: ErrNotLanded},
	}
	for _, c := range cases {
		code, err := ParseLanded(c.in, state)
		switch {
		case c.code != "":
			if err != nil || code != c.code {
				t.Errorf("%q: got %q, %v; want %q", c.in, code, err, c.code)
			}
		case c.err != nil:
			if !errors.Is(err, c.err) || code != "" {
				t.Errorf("%q: got %q, %v; want %v", c.in, code, err, c.err)
			}
			if msg := Message(err); strings.Contains(msg, "Something went wrong") {
				t.Errorf("%q: no plain message for %v", c.in, err)
			}
		default:
			if KindOf(err) != c.kind {
				t.Errorf("%q: got %q, %v; want kind %v", c.in, code, err, c.kind)
			}
		}
	}
}

// FuzzWithRedirect: whatever a profile, the dialog or the command line
// gives, a redirect is refused with a *RedirectError, or it is one Tokentray
// can use — plain http only to this computer — and it reads back as the
// same redirect.
func FuzzWithRedirect(f *testing.F) {
	for _, s := range []string{"loopback", "approval", "http://127.0.0.1:8080/cb", "http://[::1]/x", "http://localhost:53111/callback",
		"https://crm.example/cb?x=1", "http://evil.example/cb", "http://127.0.0.1:0/", "https://u@h/", "%zz", "http://[::1%25lo]/"} {
		f.Add(s)
	}
	casa, _ := Preset("clientcasa")
	f.Fuzz(func(t *testing.T, in string) {
		p, err := casa.WithRedirect(in)
		if err != nil {
			if !errors.Is(err, ErrBadRedirect) {
				t.Fatalf("%q: not a RedirectError: %v", in, err)
			}
			return
		}
		v := p.RedirectValue()
		if p.redirectMode() == RedirectLoopback && !SafeURL(v) || p.redirectMode() == RedirectPage && !strings.HasPrefix(strings.ToLower(v), "https://") {
			t.Fatalf("%q accepted as %q", in, v)
		}
		again, err := p.WithRedirect(v)
		if err != nil || again.RedirectValue() != v {
			t.Fatalf("%q: %q reads back as %q, %v", in, v, again.RedirectValue(), err)
		}
	})
}

// FuzzParseLanded: a pasted address gives a plausible code only with the
// attempt's state.
func FuzzParseLanded(f *testing.F) {
	for _, s := range []string{"https://p.example/cb?code=abcd1234&state=s", "https://p.example/cb?error=access_denied&state=s",
		"https://p.example/cb?code=abcd1234", "abcd1234", "%zz", "http://[::1"} {
		f.Add(s, "s")
	}
	f.Fuzz(func(t *testing.T, in, state string) {
		code, err := ParseLanded(in, state)
		if err != nil {
			if code != "" {
				t.Fatalf("code %q with error %v", code, err)
			}
			return
		}
		if !validCode(code) || state == "" {
			t.Fatalf("ParseLanded(%q, %q) = %q", in, state, code)
		}
	})
}
