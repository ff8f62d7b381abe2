package keeper

import (
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store/storetest"
)

// netFault is one network row: a fault on the token endpoint, injected by
// the proxy between the keeper and the server.
type netFault struct {
	scenario, expected string
	faults             []authtest.Fault
	timeout            time.Duration // the keeper's HTTP client timeout; default 10 s
	minWait            time.Duration // the first retry must not come sooner
	reconnect          bool          // the fault leaves only reconnecting
	says               string        // the plain message must say this, where set
}

var netFaults = []netFault{
	{scenario: "slow answer (1.5 s, within the timeout)", expected: "refreshed on the first try",
		faults: []authtest.Fault{{Delay: 1500 * time.Millisecond}}},
	{scenario: "answer slower than the HTTP timeout", expected: "temporary failure, retried, refreshed",
		faults: []authtest.Fault{{Delay: 3 * time.Second}}, timeout: 300 * time.Millisecond},
	{scenario: "connection reset", expected: "temporary failure, retried, refreshed",
		faults: []authtest.Fault{authtest.FaultReset}, says: "could not reach the provider"},
	{scenario: "HTTP 500", expected: "temporary failure, retried, refreshed",
		faults: []authtest.Fault{authtest.FaultStatus(500, "")}},
	{scenario: "HTTP 502", expected: "temporary failure, retried, refreshed",
		faults: []authtest.Fault{authtest.FaultStatus(502, "")}},
	{scenario: "HTTP 503 twice", expected: "temporary failure ×2, backoff, refreshed",
		faults: []authtest.Fault{authtest.FaultStatus(503, ""), authtest.FaultStatus(503, "")}},
	{scenario: "HTTP 429, Retry-After: 2", expected: "retried no sooner than 2 s, refreshed",
		faults: []authtest.Fault{authtest.FaultStatus(429, "2")}, minWait: 2 * time.Second},
	{scenario: "malformed JSON (200)", expected: "temporary failure, retried, refreshed",
		faults: []authtest.Fault{authtest.FaultMalformedJSON}, says: "answered, but with something Tokentray could not read"},
	{scenario: "truncated JSON (200)", expected: "temporary failure, retried, refreshed",
		faults: []authtest.Fault{authtest.FaultTruncatedJSON}, says: "answered, but with something Tokentray could not read"},
	{scenario: "HTML error page (502)", expected: "temporary failure in plain words, refreshed",
		faults: []authtest.Fault{authtest.FaultHTMLPage}},
	{scenario: "HTML page with 200", expected: "temporary failure in plain words, refreshed",
		faults: []authtest.Fault{authtest.FaultHTMLPage200}, says: "answered, but with something Tokentray could not read"},
	{scenario: "answer dropped after the server rotated", expected: "retried; server's reuse detection → reconnect needed, said once",
		faults: []authtest.Fault{authtest.FaultDropAfterRotation}, reconnect: true},
	{scenario: "answer cut short after the server rotated", expected: "retried; server's reuse detection → reconnect needed, said once",
		faults: []authtest.Fault{authtest.FaultCutAfterRotation}, reconnect: true},
}

// TestFaultNetwork: every network fault on the token endpoint is reported
// as temporary and retried with backoff until the refresh succeeds, or —
// when the server spent the refresh token and the answer was lost — ends in
// one "reconnect needed". Never a lost token, never a token in a message.
func TestFaultNetwork(t *testing.T) {
	for _, nf := range netFaults {
		t.Run(nf.scenario, func(t *testing.T) {
			r := row(t, nf.scenario, nf.expected)
			t.Parallel()
			runNetFault(t, nf, r)
		})
	}
}

func runNetFault(t *testing.T, nf netFault, r *faultRow) {
	f := newFixture(t, authtest.Config{})
	f.freeze()
	px := authtest.NewProxy(t, f.srv.URL)
	f.p.Endpoint.TokenURL = px.URL + authtest.PathToken
	seeded := f.seed("a", f.now().Add(-time.Second))
	logs := &logBuffer{}
	timeout := nf.timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	k := f.keeper(func(c *Config) {
		c.Logger = logs.logger()
		c.HTTPClient = &http.Client{Timeout: timeout}
	})
	w := f.watch(k)
	px.Inject(authtest.PathToken, nf.faults...)

	var steps []string
	for attempt := 0; attempt <= len(nf.faults)+1; attempt++ {
		k.tick()
		e := w.next(EventRefreshed, EventRefreshFailed, EventReconnectNeeded)
		if e.Kind == EventRefreshed {
			steps = append(steps, "refreshed")
			break
		}
		if e.Kind == EventReconnectNeeded {
			steps = append(steps, "reconnect needed")
			break
		}
		wait := e.NextRetry.Sub(e.At)
		steps = append(steps, fmt.Sprintf("%s failure, next try in %v", kindWord(e.Err), wait.Round(time.Millisecond)))
		if !errors.Is(e.Err, auth.ErrTransient) {
			t.Errorf("attempt %d: %v, want a temporary failure", attempt, e.Err)
		}
		if attempt == 0 && wait < nf.minWait {
			t.Errorf("next try in %v, want at least %v", wait, nf.minWait)
		}
		msg := auth.Message(e.Err)
		if strings.ContainsAny(msg, "<>{}") || strings.Contains(msg, "injected") {
			t.Errorf("message is not plain words: %q", msg)
		}
		if nf.says != "" && !strings.Contains(msg, nf.says) {
			t.Errorf("said as %q, want it to say %q", msg, nf.says)
		}
		if a, _ := f.st.Account("a"); a.Status != StatusFailing || a.LastProblem.String() != msg {
			t.Errorf("attempt %d: account says %q / %q", attempt, a.Status, a.LastProblem)
		}
		// Nothing happens before the retry time.
		before := f.srv.TokenRequests()
		k.tick()
		if f.srv.TokenRequests() != before {
			t.Errorf("attempt %d: retried before the backoff ran out", attempt)
		}
		f.offset.Add(int64(wait + time.Millisecond))
	}
	r.Observed = strings.Join(steps, "; ")
	last := steps[len(steps)-1]
	switch {
	case nf.reconnect && last != "reconnect needed":
		t.Errorf("ended with %q, want reconnect needed", last)
	case !nf.reconnect && last != "refreshed":
		t.Errorf("ended with %q, want refreshed", last)
	}
	if n := px.Pending(authtest.PathToken); n != 0 {
		t.Errorf("%d injected faults never reached", n)
	}
	if nf.reconnect {
		// Retries stop: an hour later, no more requests.
		before := f.srv.TokenRequests()
		f.offset.Add(int64(time.Hour))
		k.tick()
		if n := f.srv.TokenRequests() - before; n != 0 {
			t.Errorf("%d requests after reconnect-needed", n)
		}
	}
	k.Close()
	if nf.reconnect {
		if n := w.count(EventReconnectNeeded); n != 1 {
			t.Errorf("reconnect-needed said %d times", n)
		}
	}
	secrets := tokensOf(px, seeded.AccessToken, seeded.RefreshToken)
	storetest.Secret(t, secrets...)
	var why string
	r.Lost, why = f.lost("a", px)
	if why != "" {
		t.Log(why)
	}
	r.Leaked = leaked(secrets, f.st.Dir(), append(eventTexts(w.seen), logs.String())...)
}

func kindWord(err error) string {
	switch auth.KindOf(err) {
	case auth.KindTransient:
		return "temporary"
	case auth.KindReconnect:
		return "reconnect"
	}
	return "other"
}

// TestFaultHugeBody: a 10 MB answer is cut at 1 MiB, reported as temporary,
// and does not cost 10 MB of memory. Not parallel: it counts allocations.
func TestFaultHugeBody(t *testing.T) {
	r := row(t, "10 MB answer body", "read stops at 1 MiB; temporary failure; refreshed")
	f := newFixture(t, authtest.Config{})
	f.freeze()
	px := authtest.NewProxy(t, f.srv.URL)
	f.p.Endpoint.TokenURL = px.URL + authtest.PathToken
	seeded := f.seed("a", f.now().Add(-time.Second))
	logs := &logBuffer{}
	k := f.keeper(func(c *Config) { c.Logger = logs.logger() })
	w := f.watch(k)
	px.Inject(authtest.PathToken, authtest.FaultHugeBody(10<<20))

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	k.tick()
	runtime.ReadMemStats(&after)
	e := w.next(EventRefreshed, EventRefreshFailed, EventReconnectNeeded)
	alloc := after.TotalAlloc - before.TotalAlloc
	if e.Kind != EventRefreshFailed || !errors.Is(e.Err, auth.ErrTransient) {
		t.Fatalf("%v (%v), want a temporary failure", e.Kind, e.Err)
	}
	if alloc > 8<<20 {
		t.Errorf("the refresh allocated %d MB for a 10 MB answer: the body was not cut", alloc>>20)
	}
	f.offset.Add(int64(e.NextRetry.Sub(e.At) + time.Millisecond))
	k.tick()
	if e := w.next(EventRefreshed, EventRefreshFailed); e.Kind != EventRefreshed {
		t.Fatalf("after the huge answer: %v (%v)", e.Kind, e.Err)
	}
	r.Observed = fmt.Sprintf("temporary failure, %.1f MB allocated in all; then refreshed", float64(alloc)/(1<<20))
	k.Close()
	w.count(EventRefreshed)
	secrets := tokensOf(px, seeded.AccessToken, seeded.RefreshToken)
	storetest.Secret(t, secrets...)
	r.Lost, _ = f.lost("a", px)
	r.Leaked = leaked(secrets, f.st.Dir(), append(eventTexts(w.seen), logs.String())...)
}
