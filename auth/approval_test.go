package auth

import (
	"errors"
	"testing"
	"time"
)

func TestParseApproval(t *testing.T) {
	const state = "state-0123456789"
	cases := []struct {
		in, code string
		kind     Kind // for *Error results
		notApp   bool // ErrNotApproval
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
		{in: "https://app.clio.com/oauth/approval?code=abcd1234&state=other-attempt", kind: KindUnknown},
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
		case c.notApp:
			if !errors.Is(err, ErrNotApproval) {
				t.Errorf("%q: got %q, %v; want ErrNotApproval", c.in, code, err)
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
