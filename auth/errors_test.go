package auth

import (
	"errors"
	"fmt"
	"testing"
)

// TestNoWordsWithoutUIWords: without ui/words linked in (a program that
// registers no Words), no error has words, Message is the technical text
// and a loopback page is only named: auth holds no sentence of its own.
// (ui/words tests what the errors say.)
func TestNoWordsWithoutUIWords(t *testing.T) {
	var w Words = noWords{}
	declined := fmt.Errorf("connect: %w", &Error{Kind: KindDeclined, Op: "connect"})
	for _, err := range []error{declined, ErrNotApproval, errors.New("plain")} {
		if id, data, ok := w.Explain(err); ok || id != "" || data != nil {
			t.Errorf("Explain(%v) = %q, %v, %v; want nothing", err, id, data, ok)
		}
		if msg := w.Message(err); msg != err.Error() {
			t.Errorf("Message(%v) = %q, want the error's text", err, msg)
		}
	}
	if msg := w.Message(nil); msg != "" {
		t.Errorf("Message(nil) = %q", msg)
	}
	for p := PageApproved; p <= PageFailed; p++ {
		if title, body := w.Page(p); title != p.String() || body != "" {
			t.Errorf("page %d: %q, %q; want only its name", p, title, body)
		}
	}
}

// TestWordsAskedOfUIWords: auth's ExplainWords and Message ask the Words
// ui/words registered (linked into auth's tests: words_test.go).
func TestWordsAskedOfUIWords(t *testing.T) {
	if _, ok := said().(noWords); ok {
		t.Fatal("no Words registered: ui/words is not linked into the tests")
	}
	declined := &Error{Kind: KindDeclined, Op: "connect"}
	if id, _, ok := ExplainWords(declined); !ok || id == "" || Message(declined) == declined.Error() {
		t.Errorf("a declined sign-in has no words: %q, %v, %q", id, ok, Message(declined))
	}
	if id, _, ok := ExplainWords(errors.New("plain")); ok || id == "" {
		t.Errorf("an error with no words: %q, %v; want the general sentence", id, ok)
	}
}
