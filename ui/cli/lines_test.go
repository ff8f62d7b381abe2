package cli

import (
	"io"
	"testing"
	"time"
)

// TestLinesEndAfterConnectReturns: connect's paste box reads standard input
// in a goroutine. While connect waits, pasted lines arrive trimmed and blank
// ones are skipped; once connect has returned (done closed) and nobody
// receives any more, a line the user still types — a late paste, or just
// Enter — ends the goroutine (its channel is closed) instead of leaving it
// blocked on a send or reading on for ever. The channel's close is what the
// test waits for: the goroutine checks done before it could send, so a
// receive here cannot take a line delivered after the return.
func TestLinesEndAfterConnectReturns(t *testing.T) {
	for _, tc := range []struct{ name, typed string }{
		{"a late paste", "https://app.clio.com/oauth/approval?code=late\n"},
		{"a blank line", "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, terminal := io.Pipe() // the terminal stays open, as a real one does
			t.Cleanup(func() { terminal.Close() })
			done := make(chan struct{})
			got := lines(in, done)

			// A write returns once the goroutine has read it.
			if _, err := io.WriteString(terminal, "\n  https://app.clio.com/oauth/approval?code=first  \n"); err != nil {
				t.Fatal(err)
			}
			if line, ok := receive(t, got); !ok || line != "https://app.clio.com/oauth/approval?code=first" {
				t.Fatalf("while connect waits: got %q (open %v), want the pasted line, trimmed", line, ok)
			}

			close(done) // connect returned
			if _, err := io.WriteString(terminal, tc.typed); err != nil {
				t.Fatal(err)
			}
			if line, ok := receive(t, got); ok {
				t.Fatalf("after connect returned the reader delivered %q: it was waiting on a send no one makes", line)
			}
		})
	}
}

// receive waits at most 10 seconds for ch, then fails the test.
func receive(t *testing.T, ch <-chan string) (string, bool) {
	t.Helper()
	timer := time.NewTimer(10 * time.Second)
	defer timer.Stop()
	select {
	case line, ok := <-ch:
		return line, ok
	case <-timer.C:
		t.Fatal("the stdin reader neither delivered a line nor ended within 10 seconds")
		return "", false
	}
}
