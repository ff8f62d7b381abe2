package auth

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseApproval(t *testing.T) {
	const state = "state-0123456789"
	cases := []struct {
		in, code string
		kind     Kind // for *Error results
		notApp   bool // ErrNotApproval
		other    bool // ErrOtherAttempt
	}{
		{in: "Success code=5IzZeWL2OmZUxGOGO4WE", code: "5IzZeWL2OmZUxGOGO4WE"},
		{in: "Success code=5IzZeWL2OmZUxGOGO4WE - Google Chrome", code: "5IzZeWL2OmZUxGOGO4WE"},
		{in: "  Success code=abcd1234 — Mozilla Firefox\n", code: "abcd1234"},
		{in: "https://app.clio.com/oauth/approval?code=abcd1234&state=" + state, code: "abcd1234"},
		{in: "https://app.clio.com/oauth/approval?code=abcd1234", code: "abcd1234"},
		{in: "abcd1234", code: "abcd1234"},
		{in: "Failure error=access_denied", kind: KindDeclined},
		{in: "Failure error=access_denied - Chromium", kind: KindDeclined},
		{in: "https://app.clio.com/oauth/approval?error=access_denied&state=" + state, kind: KindDeclined},
		{in: "https://app.clio.com/oauth/approval?code=abcd1234&state=other-attempt", other: true},
		{in: "https://eu.app.clio.com/oauth/approval?code=ory_ac_Q1w2E3.r4T5y6&state=" + state, code: "ory_ac_Q1w2E3.r4T5y6"},
		{in: "Success code=5IzZe", code: "5IzZe"}, // a short code is still a code
		{in: "Success code=5Iz", notApp: true},    // truncated below any code's length
		{in: "https://app.clio.com/oauth/approval?co", notApp: true},
		{in: "https://app.clio.com/oauth/approval", notApp: true},
		{in: "Sign in to Clio - Google Chrome", notApp: true},
		{in: "GitHub - oauth: fix code=handling (#12) - Chromium", notApp: true},
		{in: "Success code=abcd1234\u202e", notApp: true},
		{in: strings.Repeat("a", 3000), notApp: true},
		{in: "Success code=", notApp: true},
		{in: "Re: code=abcd1234 - Inbox", notApp: true},
		{in: "https://example.com/search?q=code%3Dabcd", notApp: true},
		{in: "", notApp: true},
		{in: "abc", notApp: true},
	}
	for _, c := range cases {
		code, err := ParseApproval(c.in, state)
		switch {
		case c.code != "":
			if err != nil || code != c.code {
				t.Errorf("%q: got %q, %v; want %q", c.in, code, err, c.code)
			}
		case c.notApp, c.other:
			want := ErrNotApproval
			if c.other {
				want = ErrOtherAttempt
			}
			if !errors.Is(err, want) {
				t.Errorf("%q: got %q, %v; want %v", c.in, code, err, want)
			}
			if msg := Message(err); strings.Contains(msg, "Something went wrong") {
				t.Errorf("%q: no plain message for %v", c.in, err)
			}
		default:
			var e *Error
			if !errors.As(err, &e) || e.Kind != c.kind {
				t.Errorf("%q: got %q, %v; want kind %v", c.in, code, err, c.kind)
			}
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"": 0, "120": 120 * time.Second, "-1": 0, "soon": 0,
		"Mon, 23 Nov 2026 12:01:30 GMT": 90 * time.Second,
		"Mon, 23 Nov 2026 11:00:00 GMT": 0,
	} {
		if got := retryAfter(in, now); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

// FuzzParseApproval: whatever a window title or a paste holds, the parser
// returns a code that is a plausible code, or an error; never a panic, never
// a code with spaces or URL syntax in it.
func FuzzParseApproval(f *testing.F) {
	for _, s := range []string{
		"Success code=5IzZeWL2OmZUxGOGO4WE - Google Chrome",
		"Failure error=access_denied — Mozilla Firefox",
		"https://app.clio.com/oauth/approval?code=abcd1234&state=s",
		"https://app.clio.com/oauth/approval?error=access_denied",
		"abcd1234", "Re: code=abcd1234", "%zz", "http://[::1",
	} {
		f.Add(s, "s")
	}
	f.Fuzz(func(t *testing.T, in, state string) {
		code, err := ParseApproval(in, state)
		if err != nil {
			if code != "" {
				t.Fatalf("code %q with error %v", code, err)
			}
			return
		}
		if !validCode(code) {
			t.Fatalf("ParseApproval(%q) = %q, not a valid code", in, code)
		}
	})
}

// TestCheckPaste: without the attempt's state, a paste box refuses at once
// what every attempt would refuse, and hands on what carries a state (the
// flow compares it) or a code.
func TestCheckPaste(t *testing.T) {
	const clio = "https://app.clio.com/oauth/approval"
	const page = "https://crm.firm.example/oauth/tokentray"
	for _, c := range []struct {
		mode RedirectMode
		in   string
		err  error // nil: handed on; a sentinel; or ErrDeclined for the provider's no
	}{
		{RedirectApproval, "Success code=abcd1234 - Chromium", nil},
		{RedirectApproval, "abcd1234", nil},
		{RedirectApproval, clio + "?code=abcd1234", nil},
		{RedirectApproval, clio + "?code=abcd1234&state=any-attempt", nil},
		{RedirectApproval, clio + "?error=access_denied&state=any-attempt", nil}, // this attempt's, or not: the flow says
		{RedirectApproval, clio + "?state=any-attempt", nil},                     // likewise
		{RedirectApproval, clio + "?error=access_denied", ErrDeclined},
		{RedirectApproval, "Failure error=access_denied", ErrDeclined},
		{RedirectApproval, "Sign in to Clio - Chromium", ErrNotApproval},
		{RedirectApproval, clio, ErrNotApproval},
		{RedirectPage, page + "?code=abcd1234&state=any-attempt", nil},
		{RedirectPage, page + "?error=access_denied&state=any-attempt", nil},
		{RedirectPage, page + "?state=any-attempt", nil},
		{RedirectPage, page + "?code=abcd1234", ErrNoState},
		{RedirectPage, page + "?error=access_denied", ErrNoState},
		{RedirectPage, page, ErrNotLanded},
		{RedirectPage, "abcd1234", ErrNotLanded},
		{RedirectPage, "Success code=abcd1234", ErrNotLanded},
	} {
		err := CheckPaste(c.mode, c.in)
		if c.err == nil && err != nil || c.err != nil && !errors.Is(err, c.err) {
			t.Errorf("CheckPaste(%s, %q) = %v, want %v", c.mode, c.in, err, c.err)
		}
	}
}

// FuzzCheckPaste: CheckPaste hands on exactly what its mode's parser takes
// or refuses for the state alone (it carries one, of another attempt), and
// otherwise refuses with that parser's own error.
func FuzzCheckPaste(f *testing.F) {
	for _, s := range []string{
		"Success code=5IzZeWL2OmZUxGOGO4WE - Google Chrome", "Failure error=access_denied",
		"https://app.clio.com/oauth/approval?code=abcd1234&state=s", "https://x.example/p?error=access_denied",
		"https://x.example/p?code=abcd1234", "abcd1234", "%zz", "http://[::1",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, in string, page bool) {
		mode := RedirectApproval
		if page {
			mode = RedirectPage
		}
		_, want := pasteParser(mode)(in, "") // "" is no attempt's state
		if errors.Is(want, ErrOtherAttempt) {
			want = nil // the flow compares the state
		}
		got := CheckPaste(mode, in)
		if !sameError(got, want) {
			t.Fatalf("CheckPaste(%s, %q) = %v; the parser with no state says %v", mode, in, got, want)
		}
	})
}

// sameError: both nil, the same sentinel, or *Errors of one kind and code.
func sameError(a, b error) bool {
	var ea, eb *Error
	if errors.As(a, &ea) && errors.As(b, &eb) {
		return ea.Kind == eb.Kind && ea.Code == eb.Code
	}
	return errors.Is(a, b)
}
