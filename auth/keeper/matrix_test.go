package keeper

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
)

// The fault matrix (make faults): every TestFault… test fills in one or more
// rows — scenario, expected, observed, tokens lost, secrets leaked — and
// TestMain prints them after the run. A row passes only when its test
// passed, no token was lost and no secret leaked; a row whose test skipped
// says SKIP.
//
// A row belongs to the test that observes its scenario alone: a table of
// scenarios makes each row inside the scenario's own t.Run, so that one
// failing scenario fails its row only.
//
// Tokens lost counts, per account, a stored token that cannot be read, a
// stored refresh token the server no longer accepts while the account does
// not say "reconnect needed" (a silent loss), and a stored refresh token
// older than the newest one the server delivered to Tokentray (a rotated
// token received but not kept). Secrets leaked counts the tokens of the
// scenario found in plain text in the logs, events, error messages, every
// file under the config directory, child processes' output, and the command
// lines of every process on the machine.

type faultRow struct {
	Scenario, Expected, Observed string
	Lost, Leaked                 int
	Pass, Skipped                bool
}

var matrix struct {
	sync.Mutex
	rows []*faultRow
}

// row adds a matrix row for t, whose result is the row's; the test fills in
// Observed, Lost and Leaked. Call it with the scenario's own t (a subtest's
// inside its t.Run, not the table's parent, which fails with any of its
// subtests), before t.Parallel so that rows keep the order of the source.
func row(t *testing.T, scenario, expected string) *faultRow {
	t.Helper()
	r := &faultRow{Scenario: scenario, Expected: expected, Observed: "(test ended early)"}
	matrix.Lock()
	matrix.rows = append(matrix.rows, r)
	matrix.Unlock()
	t.Cleanup(func() {
		if r.Lost != 0 {
			t.Errorf("%s: %d token(s) lost", scenario, r.Lost)
		}
		if r.Leaked != 0 {
			t.Errorf("%s: %d secret(s) leaked", scenario, r.Leaked)
		}
		r.Pass, r.Skipped = !t.Failed(), t.Skipped()
		if r.Skipped && r.Observed == "(test ended early)" {
			r.Observed = "(skipped)"
		}
	})
	return r
}

func TestMain(m *testing.M) {
	code := m.Run()
	matrix.Lock()
	rows := matrix.rows
	matrix.Unlock()
	if len(rows) > 0 {
		printMatrix(os.Stdout, rows)
	}
	os.Exit(code)
}

func printMatrix(w io.Writer, rows []*faultRow) {
	fmt.Fprintln(w, "\nFAULT MATRIX")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\texpected\tobserved\ttokens lost\tsecrets leaked\tresult")
	failed, skipped := 0, 0
	for _, r := range rows {
		res := "PASS"
		switch {
		case !r.Pass:
			res, failed = "FAIL", failed+1
		case r.Skipped:
			res, skipped = "SKIP", skipped+1
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\n", r.Scenario, r.Expected, r.Observed, r.Lost, r.Leaked, res)
	}
	tw.Flush()
	fmt.Fprintf(w, "fault matrix: %d rows, %d passed, %d failed, %d skipped\n", len(rows), len(rows)-failed-skipped, failed, skipped)
}

// logBuffer is a logger for a keeper under test whose output is kept for
// the leak scan.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// leaked counts the secrets found in plain text in texts, in every file
// under dir, and in the command line of every process.
func leaked(secrets []string, dir string, texts ...string) int {
	var hay []string
	hay = append(hay, texts...)
	if dir != "" {
		filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				if b, err := os.ReadFile(path); err == nil {
					hay = append(hay, string(b))
				}
			}
			return nil
		})
	}
	if cmdlines, _ := filepath.Glob("/proc/[0-9]*/cmdline"); len(cmdlines) > 0 {
		for _, c := range cmdlines {
			if b, err := os.ReadFile(c); err == nil {
				hay = append(hay, string(b))
			}
		}
	}
	n := 0
	for _, s := range secrets {
		if s == "" {
			continue
		}
		for _, h := range hay {
			if strings.Contains(h, s) {
				n++
				break
			}
		}
	}
	return n
}

// eventTexts is what a user could be shown of events: the plain message and
// the error itself.
func eventTexts(events []Event) []string {
	var out []string
	for _, e := range events {
		if e.Err != nil {
			out = append(out, e.Err.Error(), auth.Message(e.Err))
		}
	}
	return out
}

// tokensOf lists the tokens the proxy delivered, plus extra.
func tokensOf(px *authtest.Proxy, extra ...string) []string {
	out := append([]string(nil), extra...)
	if px != nil {
		for _, d := range px.Delivered() {
			out = append(out, d.AccessToken, d.RefreshToken)
		}
	}
	return out
}

// lost checks account id at the end of a scenario (see the package comment
// above): 0 or 1, and why.
func (f *fixture) lost(id string, px *authtest.Proxy) (int, string) {
	f.t.Helper()
	a, err := f.st.Account(id)
	if err != nil {
		return 1, "account unreadable: " + err.Error()
	}
	tok, err := f.st.LoadToken(f.ctx, id)
	if err != nil {
		return 1, "stored token unreadable: " + err.Error()
	}
	if px != nil {
		if d := px.Delivered(); len(d) > 0 && d[len(d)-1].RefreshToken != "" && d[len(d)-1].RefreshToken != tok.RefreshToken {
			return 1, "the newest refresh token the server delivered is not the stored one"
		}
	}
	if a.Status != StatusReconnect && !f.srv.RefreshActive(f.ctx, tok.RefreshToken) {
		return 1, "the stored refresh token is dead but the account does not say reconnect"
	}
	return 0, ""
}

// short names a token in test output without revealing it.
func short(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:4])
}
