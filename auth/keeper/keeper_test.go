package keeper

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
)

// TestKeepsShortTokensValid: 2-second tokens kept valid for 30 s by the
// scheduler, while callers ask for tokens all along: every token handed out
// is valid for the asked minimum (locally and at the server), and no token
// is refreshed twice.
func TestKeepsShortTokensValid(t *testing.T) {
	t.Parallel()
	// expires_in is whole seconds, rounded down: 2.5 s tokens say 2 s.
	f := newFixture(t, authtest.Config{AccessTokenLifespan: 2500 * time.Millisecond})
	ids := []string{"a", "b", "c"}
	for _, id := range ids {
		f.seed(id, time.Now().Add(2*time.Second))
	}
	k := f.keeper(func(c *Config) { c.CheckInterval = time.Second })
	k.Start()

	const window, minValid = 30 * time.Second, 100 * time.Millisecond
	start := time.Now()
	var served, checked atomic.Int64
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ticker := time.NewTicker(20 * time.Millisecond)
			defer ticker.Stop()
			for i := 0; time.Since(start) < window; i++ {
				<-ticker.C
				asked := time.Now()
				tok, err := k.EnsureFresh(f.ctx, id, minValid)
				if err != nil {
					t.Errorf("%s: EnsureFresh: %v", id, err)
					return
				}
				served.Add(1)
				if left := tok.Expiry.Sub(asked); left < minValid {
					t.Errorf("%s: token valid for %v, asked %v", id, left, minValid)
				}
				if i%10 == 0 {
					checked.Add(1)
					if !f.srv.Accepts(f.ctx, tok.AccessToken) {
						t.Errorf("%s: the server rejects a token EnsureFresh handed out", id)
					}
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	refreshes := f.srv.GrantCount("refresh_token")
	// A token is handed out only with minValid left before its refresh is
	// due at expiry − 10 % of its 2 s lifetime: at worst one refresh per
	// 1.7 s per account, plus the first.
	most := len(ids) * (int(elapsed/(1700*time.Millisecond)) + 2)
	least := len(ids) * (int(elapsed/(2500*time.Millisecond)) - 1)
	t.Logf("%d tokens served (%d checked at the server), %d refreshes for %d accounts in %v",
		served.Load(), checked.Load(), refreshes, len(ids), elapsed.Round(time.Millisecond))
	if refreshes > most || refreshes < least {
		t.Errorf("%d refreshes, want between %d and %d", refreshes, least, most)
	}
}

// TestConcurrentEnsureFresh: 50 goroutines here and 5 other processes ask
// for one rotating account's expired token at once: exactly one refresh
// reaches the server, and nobody sees invalid_grant.
func TestConcurrentEnsureFresh(t *testing.T) {
	if os.Getenv("KEEPER_CHILD_DIR") != "" {
		concurrentChild()
		return
	}
	t.Parallel()
	f := newFixture(t, authtest.Config{})
	f.seed("shared", time.Now().Add(-time.Minute))
	k := f.keeper(nil)
	requests := f.srv.TokenRequests()

	const goroutines, processes, perProcess = 50, 5, 10
	var children []*exec.Cmd
	var stdins []io.WriteCloser
	var outs []*bufio.Reader
	for range processes {
		c := exec.Command(os.Args[0], "-test.run=^TestConcurrentEnsureFresh$")
		c.Env = append(os.Environ(), "KEEPER_CHILD_DIR="+f.st.Dir(), "KEEPER_CHILD_SERVICE="+storetest.Service(t),
			"KEEPER_CHILD_URL="+f.srv.URL, "KEEPER_CHILD_N="+strconv.Itoa(perProcess))
		c.Stderr = os.Stderr
		in, _ := c.StdinPipe()
		out, _ := c.StdoutPipe()
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		children, stdins, outs = append(children, c), append(stdins, in), append(outs, bufio.NewReader(out))
	}
	for i, out := range outs {
		if line, _ := out.ReadString('\n'); line != "ready\n" {
			t.Fatalf("child %d: %q", i, line)
		}
	}
	startGun := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-startGun
			tok, err := k.EnsureFresh(f.ctx, "shared", time.Minute)
			if err == nil {
				secretToken(t, tok)
			}
			errs <- err
		}()
	}
	for _, in := range stdins {
		io.WriteString(in, "go\n")
		in.Close()
	}
	close(startGun)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("EnsureFresh: %v", err)
		}
	}
	for i, c := range children {
		line, _ := outs[i].ReadString('\n')
		if err := c.Wait(); err != nil || line != "ok\n" {
			t.Errorf("child %d: %v %q", i, err, line)
		}
	}
	if n := f.srv.GrantCount("refresh_token"); n != 1 {
		t.Errorf("%d refreshes reached the server, want exactly 1", n)
	}
	if n := f.srv.TokenRequests() - requests; n != 1 {
		t.Errorf("%d token requests reached the server, want 1", n)
	}
}

// concurrentChild is one of TestConcurrentEnsureFresh's other processes.
func concurrentChild() {
	st, err := store.Open(store.Options{Dir: os.Getenv("KEEPER_CHILD_DIR"), Service: os.Getenv("KEEPER_CHILD_SERVICE")})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	p := auth.Generic("", os.Getenv("KEEPER_CHILD_URL")+authtest.PathToken)
	p.ClientID = authtest.PublicClientID
	k := New(Config{Store: st, Provider: func(context.Context, store.Account) (auth.Provider, error) { return p, nil }})
	defer k.Close()
	// Read the sealing key now, so the start gun races only the refresh.
	if _, err := st.LoadToken(context.Background(), "shared"); err != nil {
		fmt.Println("load:", err)
		os.Exit(1)
	}
	fmt.Println("ready")
	bufio.NewReader(os.Stdin).ReadString('\n')
	n, _ := strconv.Atoi(os.Getenv("KEEPER_CHILD_N"))
	var wg sync.WaitGroup
	var failed atomic.Bool
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := k.EnsureFresh(context.Background(), "shared", time.Minute); err != nil {
				fmt.Fprintln(os.Stderr, "child EnsureFresh:", err)
				failed.Store(true)
			}
		}()
	}
	wg.Wait()
	if failed.Load() {
		fmt.Println("failed")
		os.Exit(1)
	}
	fmt.Println("ok")
	os.Exit(0)
}

// TestFaultClockForward: after a (simulated) suspend of 2 hours, overdue accounts
// are refreshed at the next look at the wall clock, although the scheduler's
// timer was set for much later.
func TestFaultClockForward(t *testing.T) {
	r := row(t, "clock jumps 2 h forward (suspend)", "overdue tokens refreshed at the next look at the clock")
	t.Parallel()
	f := newFixture(t, authtest.Config{})
	f.offset.Store(int64(-2 * time.Hour)) // the keeper lives 2 h in the past
	ids := []string{"a", "b", "c"}
	for _, id := range ids {
		f.seed(id, f.now().Add(time.Hour)) // due in 55 min on its clock
	}
	const interval = 200 * time.Millisecond
	k := f.keeper(func(c *Config) { c.CheckInterval = interval })
	ticks := make(chan struct{}, 16)
	k.onTick = func() { ticks <- struct{}{} }
	w := f.watch(k)
	k.Start()
	<-ticks // the first pass ran on the old clock: nothing due for 55 min

	jump := time.Now()
	f.offset.Store(0) // the laptop wakes up: 2 hours passed
	<-ticks           // the next look at the wall clock, at most one interval later
	if elapsed := time.Since(jump); elapsed > 5*interval {
		t.Logf("note: the pass came %v after the jump (loaded machine)", elapsed)
	}
	if n := f.srv.GrantCount("refresh_token"); n != len(ids) {
		t.Fatalf("%d accounts refreshed in the first pass after the jump, want %d", n, len(ids))
	}
	for range ids {
		if e := w.next(EventRefreshed); e.At.Before(jump) {
			t.Fatalf("%s refreshed before the jump", e.Account)
		}
	}
	r.Observed = fmt.Sprintf("all %d overdue accounts refreshed in the first pass after the jump, %v later (check interval %v)",
		len(ids), time.Since(jump).Round(time.Millisecond), interval)
	t.Log(r.Observed)
	k.Close()
	for _, id := range ids {
		n, why := f.lost(id, nil)
		if why != "" {
			t.Error(id, why)
		}
		r.Lost += n
	}
}

// TestTransientFailures: 503 three times, then OK: retried with backoff
// (honouring Retry-After), status failing → ok, nothing lost.
func TestTransientFailures(t *testing.T) {
	t.Parallel()
	f := newFixture(t, authtest.Config{})
	f.freeze()
	old := f.seed("a", f.now().Add(-time.Second))
	px := authtest.NewProxy(t, f.srv.URL)
	f.p.Endpoint.TokenURL = px.URL + authtest.PathToken
	k := f.keeper(nil)
	w := f.watch(k)
	px.Inject(authtest.PathToken, authtest.FaultStatus(http.StatusServiceUnavailable, "3"),
		authtest.FaultStatus(http.StatusServiceUnavailable, ""), authtest.FaultStatus(http.StatusServiceUnavailable, ""))

	for i := range 3 {
		k.tick()
		e := w.next(EventRefreshFailed, EventRefreshed)
		if e.Kind != EventRefreshFailed {
			t.Fatalf("attempt %d: %v, want a failure", i, e.Kind)
		}
		if !errors.Is(e.Err, auth.ErrTransient) || e.NextRetry.IsZero() {
			t.Fatalf("attempt %d: err %v next %v", i, e.Err, e.NextRetry)
		}
		if i == 0 && e.NextRetry.Sub(e.At) < 3*time.Second {
			t.Errorf("Retry-After: 3 not honoured: next try in %v", e.NextRetry.Sub(e.At))
		}
		if a, _ := f.st.Account("a"); a.Status != StatusFailing || a.LastProblem.Kind != "transient" || a.LastProblem.ID == "" || a.LastError != "" {
			t.Errorf("attempt %d: status %q, problem %+v, sentence %q", i, a.Status, a.LastProblem, a.LastError)
		}
		// Not before the retry time: a tick now does nothing.
		before := f.srv.TokenRequests()
		k.tick()
		if f.srv.TokenRequests() != before {
			t.Fatalf("attempt %d: retried before the backoff ran out", i)
		}
		f.offset.Add(int64(e.NextRetry.Sub(f.now()) + time.Millisecond))
	}
	k.tick()
	e := w.next(EventRefreshed, EventRefreshFailed)
	if e.Kind != EventRefreshed {
		t.Fatalf("fourth attempt: %v (%v)", e.Kind, e.Err)
	}
	a, _ := f.st.Account("a")
	if a.Status != StatusOK || !a.LastProblem.IsZero() || a.LastError != "" {
		t.Errorf("after success: status %q, problem %+v, sentence %q", a.Status, a.LastProblem, a.LastError)
	}
	tok, err := f.st.LoadToken(f.ctx, "a")
	if err != nil || tok.RefreshToken == old.RefreshToken {
		t.Fatalf("stored token after success: rotated=%v err=%v", err == nil && tok.RefreshToken != old.RefreshToken, err)
	}
	secretToken(t, tok)
	if _, err := auth.Refresh(f.ctx, nil, f.p, tok); err != nil {
		t.Errorf("the stored refresh token no longer works: %v", err)
	}
	k.Close()
	if n := w.count(EventExpiringSoon); n != 1 {
		t.Errorf("expiring-soon announced %d times, want once", n)
	}
}

// TestRevokedGrant: the user revoked access at the provider: the account
// becomes reconnect-needed exactly once, and retries stop.
func TestRevokedGrant(t *testing.T) {
	t.Parallel()
	f := newFixture(t, authtest.Config{})
	f.freeze()
	tok := f.seed("a", f.now().Add(-time.Second))
	if err := f.srv.Revoke(f.ctx, tok.RefreshToken); err != nil {
		t.Fatal(err)
	}
	k := f.keeper(nil)
	w := f.watch(k)
	k.tick()
	e := w.next(EventReconnectNeeded, EventRefreshed, EventRefreshFailed)
	if e.Kind != EventReconnectNeeded || !errors.Is(e.Err, auth.ErrReconnectNeeded) {
		t.Fatalf("event %v (%v), want reconnect needed", e.Kind, e.Err)
	}
	requests := f.srv.TokenRequests()
	for range 3 {
		f.offset.Add(int64(time.Hour))
		k.tick()
	}
	if _, err := k.EnsureFresh(f.ctx, "a", 0); !errors.Is(err, auth.ErrReconnectNeeded) {
		t.Errorf("EnsureFresh on a revoked account: %v", err)
	}
	if n := f.srv.TokenRequests(); n != requests {
		t.Errorf("%d more token requests after reconnect-needed; retries must stop", n-requests)
	}
	// Kept as what happened, to be worded when shown: auth's kind and
	// words, not a sentence.
	id, _, _ := auth.ExplainWords(e.Err)
	if a, _ := f.st.Account("a"); a.Status != StatusReconnect || a.LastProblem.Kind != "reconnect needed" || a.LastProblem.ID != id || a.LastError != "" {
		t.Errorf("status %q, problem %+v, sentence %q; want the problem %q", a.Status, a.LastProblem, a.LastError, id)
	}
	k.Close()
	if n := w.count(EventReconnectNeeded); n != 1 {
		t.Errorf("reconnect-needed announced %d times, want once", n)
	}
}

// TestFaultKilledMidRefresh: a process refreshing in a loop is killed (SIGKILL)
// 20 times at random moments. Afterwards the stored refresh token is always
// one the server accepts, or the account is reported reconnect-needed —
// never a silent broken state (an unreadable secret, a corrupt file).
func TestFaultKilledMidRefresh(t *testing.T) {
	if os.Getenv("KEEPER_CHILD_LOOP") != "" {
		loopChild()
		return
	}
	r := row(t, "SIGKILL mid-refresh, 20 times", "stored token works, or reconnect needed is said; never older than the last token handed out")
	t.Parallel()
	f := newFixture(t, authtest.Config{})
	f.seed("a", time.Now().Add(-time.Second))
	var good, reconnect int
	var stderr bytes.Buffer
	var secrets []string
	for i := range 20 {
		c := exec.Command(os.Args[0], "-test.run=^TestFaultKilledMidRefresh$")
		c.Env = append(os.Environ(), "KEEPER_CHILD_LOOP=1", "KEEPER_CHILD_DIR="+f.st.Dir(),
			"KEEPER_CHILD_SERVICE="+storetest.Service(t), "KEEPER_CHILD_URL="+f.srv.URL)
		out, _ := c.StdoutPipe()
		c.Stderr = &stderr
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		rd := bufio.NewReader(out)
		if line, _ := rd.ReadString('\n'); line != "looping\n" {
			t.Fatalf("run %d: child said %q", i, line)
		}
		before := f.srv.GrantCount("refresh_token")
		// Let it refresh a random number of times, then kill it. It says a
		// short hash of every refresh token EnsureFresh handed it.
		var handed []string
		for range 1 + rand.IntN(5) {
			line, _ := rd.ReadString('\n')
			handed = append(handed, strings.TrimPrefix(strings.TrimSpace(line), "refreshed "))
		}
		// Not synchronisation: a random delay so that the kill lands
		// anywhere in the next refresh (HTTP call, seal, rename).
		time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond)
		c.Process.Signal(syscall.SIGKILL)
		c.Wait()
		if f.srv.GrantCount("refresh_token") == before {
			t.Fatalf("run %d: the child refreshed nothing", i)
		}
		// Persist-first: the stored token is the last one handed out or a
		// newer one, never an older one.
		stored, err := f.st.LoadToken(f.ctx, "a")
		if err != nil {
			t.Fatalf("run %d: stored token unreadable after SIGKILL: %v", i, err)
		}
		for _, h := range handed[:len(handed)-1] {
			if short(stored.RefreshToken) == h {
				r.Lost++
				t.Errorf("run %d: the stored token is older than the last one handed out", i)
			}
		}
		storetest.Secret(t, stored.AccessToken, stored.RefreshToken)
		secrets = append(secrets, stored.AccessToken, stored.RefreshToken)

		k := f.keeper(nil)
		w := f.watch(k)
		tok, err := k.EnsureFresh(f.ctx, "a", 2*time.Hour) // forces a refresh
		switch {
		case err == nil:
			good++
			secretToken(t, tok)
			secrets = append(secrets, tok.AccessToken, tok.RefreshToken)
		case errors.Is(err, auth.ErrReconnectNeeded):
			reconnect++
			if a, _ := f.st.Account("a"); a.Status != StatusReconnect {
				t.Fatalf("run %d: reconnect needed but the account says %q", i, a.Status)
			}
			if e := w.next(EventReconnectNeeded); e.Account != "a" {
				t.Fatal("no reconnect-needed event")
			}
			f.seed("a", time.Now().Add(-time.Second)) // the user reconnects
		default:
			t.Fatalf("run %d: after SIGKILL: %v — a broken state", i, err)
		}
		k.Close()
	}
	r.Observed = fmt.Sprintf("20 kills: %d times the stored token worked, %d times reconnect needed was said; never an older token", good, reconnect)
	t.Log(r.Observed)
	r.Leaked = leaked(secrets, f.st.Dir(), stderr.String())
}

// loopChild refreshes account "a" as fast as it can, saying "looping" and
// then a line per refresh, until killed.
func loopChild() {
	st, err := store.Open(store.Options{Dir: os.Getenv("KEEPER_CHILD_DIR"), Service: os.Getenv("KEEPER_CHILD_SERVICE")})
	if err != nil {
		os.Exit(1)
	}
	p := auth.Generic("", os.Getenv("KEEPER_CHILD_URL")+authtest.PathToken)
	p.ClientID = authtest.PublicClientID
	k := New(Config{Store: st, Provider: func(context.Context, store.Account) (auth.Provider, error) { return p, nil }})
	fmt.Println("looping")
	for {
		tok, err := k.EnsureFresh(context.Background(), "a", 2*time.Hour)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loop child:", err)
			os.Exit(1)
		}
		fmt.Println("refreshed", short(tok.RefreshToken))
	}
}
