package auth

import (
	"errors"
	"fmt"
	"testing"
)

// worded is an error of another package that words itself.
type worded struct{ err error }

func (w worded) Error() string   { return "worded: " + w.err.Error() }
func (w worded) Unwrap() error   { return w.err }
func (w worded) Message() string { return "The outer words." }

// TestExplain: the outermost error that words itself is the one heard; a
// refused paste has words; an error without any has none, and Message
// gives the generic sentence for it.
func TestExplain(t *testing.T) {
	declined := &Error{Kind: KindDeclined, Op: "connect"}
	for _, c := range []struct {
		err  error
		want string
		ok   bool
	}{
		{declined, declined.Message(), true},
		{fmt.Errorf("connect: %w", declined), declined.Message(), true},
		{worded{declined}, "The outer words.", true},
		{fmt.Errorf("disconnect: %w", worded{declined}), "The outer words.", true},
		{fmt.Errorf("paste: %w", ErrNotApproval), "That is not Clio's approval page. Paste the address of the page you landed on after approving (it contains code=…), its title, or just the code.", true},
		{errors.New("plain"), "", false},
		{nil, "", false},
	} {
		got, ok := Explain(c.err)
		if got != c.want || ok != c.ok {
			t.Errorf("Explain(%v) = %q, %v; want %q, %v", c.err, got, ok, c.want, c.ok)
		}
		if msg := Message(c.err); !c.ok && msg != "Something went wrong. Please try again." || c.ok && msg != c.want {
			t.Errorf("Message(%v) = %q", c.err, msg)
		}
	}
}
