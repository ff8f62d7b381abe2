package keeper

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
)

// TestFaultClockBack: the wall clock is set back an hour while a token this
// process obtained is live. The token still expires on the server's clock;
// the keeper counts its life on the monotonic clock too, so it refreshes on
// time and never hands out a token the server has expired.
func TestFaultClockBack(t *testing.T) {
	r := row(t, "clock set back 1 h", "tokens refreshed on their real schedule; none served expired")
	t.Parallel()
	f := newFixture(t, authtest.Config{AccessTokenLifespan: 3 * time.Second})
	f.seed("a", f.now().Add(-time.Second))
	k := f.keeper(func(c *Config) { c.CheckInterval = 200 * time.Millisecond })
	k.Start()
	first, err := k.EnsureFresh(f.ctx, "a", 0) // obtained by this process
	if err != nil {
		t.Fatal(err)
	}
	secretToken(t, first)
	before := f.srv.GrantCount("refresh_token")
	f.offset.Store(int64(-time.Hour)) // the clock is set back

	served, rejected := 0, 0
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); <-tick.C {
		tok, err := k.EnsureFresh(f.ctx, "a", 500*time.Millisecond)
		if err != nil {
			t.Fatalf("EnsureFresh after the clock was set back: %v", err)
		}
		secretToken(t, tok)
		served++
		if !f.srv.Accepts(f.ctx, tok.AccessToken) {
			rejected++
		}
	}
	refreshes := f.srv.GrantCount("refresh_token") - before
	r.Observed = fmt.Sprintf("%d tokens served over 5 s (3 s lifetime), %d rejected by the server, %d refreshes", served, rejected, refreshes)
	if rejected != 0 {
		t.Errorf("%d of %d tokens served after the clock was set back were expired at the server", rejected, served)
	}
	if refreshes < 1 {
		t.Errorf("no refresh in 5 s after the clock was set back (3 s tokens)")
	}
	k.Close()
	r.Lost, _ = f.lost("a", nil)
}

// TestFaultDiskFull: the disk fills up during a refresh (file size limit,
// RLIMIT_FSIZE, so that writes fail with EFBIG as they would with ENOSPC).
// The refreshed token is kept in memory and saved as soon as writing works
// again; the failure is said in plain words; the scheduler backs off instead
// of spinning; the files on disk stay whole. Then the same with only the
// (larger) metadata file failing. Not parallel: the limit is per process.
func TestFaultDiskFull(t *testing.T) {
	r := row(t, "disk full during a refresh", "new token kept in memory, saved when space is back; old files intact; said once per try")
	f := newFixture(t, authtest.Config{})
	f.freeze()
	seeded := f.seed("a", f.now().Add(-time.Second))
	// Other accounts make the metadata file larger than a sealed token.
	if err := f.st.Update(f.ctx, func(tx *store.Tx) error {
		for i := range 30 {
			id := fmt.Sprintf("filler-%02d", i)
			if err := tx.PutAccount(store.Account{ID: id, Provider: "generic", Name: id, Status: StatusReconnect}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	k := f.keeper(func(c *Config) { c.Logger = logs.logger() })
	w := f.watch(k)
	metaPath := filepath.Join(f.st.Dir(), "accounts.json")
	sealedPath := filepath.Join(f.st.Dir(), "secrets", "account-a.sealed")
	statePath := filepath.Join(f.st.Dir(), "state", "a.json")
	metaBefore, _ := os.ReadFile(metaPath)
	sealedBefore, _ := os.ReadFile(sealedPath)
	stateBefore, _ := os.ReadFile(statePath)

	limit, lift := fileSizeLimit(t)

	// 1. Nothing can be written.
	limit(64)
	k.tick()
	e := w.next(EventRefreshed, EventRefreshFailed, EventReconnectNeeded)
	_, ensureErr := k.EnsureFresh(f.ctx, "a", 0) // asked by hand: tries (and fails) again
	e2 := w.next(EventRefreshed, EventRefreshFailed, EventReconnectNeeded)
	k.tick() // must not try again before the retry time
	metaFull, _ := os.ReadFile(metaPath)
	sealedFull, _ := os.ReadFile(sealedPath)
	stateFull, _ := os.ReadFile(statePath)
	lift()

	if e.Kind != EventRefreshFailed || !errors.Is(e.Err, store.ErrWrite) {
		t.Fatalf("disk full: %v (%v), want a refresh failure with a write error", e.Kind, e.Err)
	}
	if msg := auth.Message(e.Err); !strings.Contains(msg, "could not save") {
		t.Errorf("disk full said as %q", msg)
	}
	if !errors.Is(ensureErr, store.ErrWrite) || e2.Kind != EventRefreshFailed {
		t.Errorf("EnsureFresh while the disk is full: %v", ensureErr)
	}
	if n := f.srv.GrantCount("refresh_token"); n != 1 {
		t.Errorf("%d refreshes while the disk was full, want 1 (the new token is kept, not fetched again)", n)
	}
	if !bytes.Equal(metaFull, metaBefore) || !bytes.Equal(sealedFull, sealedBefore) || !bytes.Equal(stateFull, stateBefore) || len(stateBefore) == 0 {
		t.Errorf("files changed while the disk was full (metadata same: %v, sealed same: %v, state same: %v, %d bytes)",
			bytes.Equal(metaFull, metaBefore), bytes.Equal(sealedFull, sealedBefore), bytes.Equal(stateFull, stateBefore), len(stateBefore))
	}

	// 2. Space is back: the next try saves the token kept in memory.
	f.offset.Add(int64(e2.NextRetry.Sub(f.now()) + time.Millisecond))
	k.tick()
	if e := w.next(EventRefreshed, EventRefreshFailed); e.Kind != EventRefreshed {
		t.Fatalf("after space came back: %v (%v)", e.Kind, e.Err)
	}
	if n := f.srv.GrantCount("refresh_token"); n != 1 {
		t.Errorf("%d refreshes in all, want 1", n)
	}
	lost1, why := f.lost("a", nil)
	if why != "" {
		t.Error(why)
	}

	// 3. Only the metadata (the account's state file, smaller than the
	// sealed token, so no size limit can single it out) cannot be written:
	// its folder is gone, a file in its place.
	stateDir := filepath.Join(f.st.Dir(), "state")
	if err := os.RemoveAll(stateDir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stateDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	f.offset.Add(int64(2 * time.Hour)) // due again
	k.tick()
	if err := os.Remove(stateDir); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(stateDir, 0o700); err != nil {
		t.Fatal(err)
	}
	tok, err := f.st.LoadToken(f.ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := f.st.Account("a"); a.Expiry.Equal(tok.Expiry) {
		t.Fatalf("the metadata write should have failed")
	}
	// The scheduler comes back (a retry is set) and writes the metadata.
	next := k.retryAt("a")
	if next.IsZero() {
		t.Fatal("no retry set after the metadata write failed")
	}
	f.offset.Add(int64(next.Sub(f.now()) + time.Millisecond))
	k.tick()
	if a, _ := f.st.Account("a"); !a.Expiry.Equal(tok.Expiry) || a.Status != StatusOK {
		t.Errorf("metadata not repaired: expiry %v vs token %v, status %q", a.Expiry, tok.Expiry, a.Status)
	}
	if n := f.srv.GrantCount("refresh_token"); n != 2 {
		t.Errorf("%d refreshes in all, want 2", n)
	}
	lost2, why := f.lost("a", nil)
	if why != "" {
		t.Error(why)
	}
	k.Close()
	final, _ := f.st.LoadToken(f.ctx, "a")
	secretToken(t, final)
	storetest.Secret(t, seeded.AccessToken, seeded.RefreshToken)
	r.Observed = fmt.Sprintf("write failed (%q…), files unchanged, 1 request; saved at the next try; metadata-only failure repaired at the retry",
		firstWords(auth.Message(e.Err), 6))
	r.Lost = lost1 + lost2
	r.Leaked = leaked([]string{seeded.AccessToken, seeded.RefreshToken, final.AccessToken, final.RefreshToken},
		f.st.Dir(), append(eventTexts(w.seen), logs.String())...)
}

func firstWords(s string, n int) string {
	w := strings.Fields(s)
	if len(w) > n {
		w = w[:n]
	}
	return strings.Join(w, " ")
}

// TestFaultCorruptMetadata: the accounts file is damaged (garbage, or cut
// in half) while the keeper runs. It is reported in plain words, never
// overwritten, a copy is kept, and the sealed tokens stay readable.
func TestFaultCorruptMetadata(t *testing.T) {
	for _, tc := range []struct {
		scenario string
		damage   func([]byte) []byte
	}{
		{"metadata file corrupt (garbage)", func([]byte) []byte { return []byte("\x00\x13garbage{{{\xff") }},
		{"metadata file truncated", func(b []byte) []byte { return b[:len(b)/2] }},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			r := row(t, tc.scenario, "said in plain words; file not overwritten; copy kept; tokens readable")
			t.Parallel()
			f := newFixture(t, authtest.Config{})
			seeded := f.seed("a", f.now().Add(time.Hour))
			logs := &logBuffer{}
			k := f.keeper(func(c *Config) { c.Logger = logs.logger() })
			path := filepath.Join(f.st.Dir(), "accounts.json")
			good, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			bad := tc.damage(good)
			if err := os.WriteFile(path, bad, 0o600); err != nil {
				t.Fatal(err)
			}
			k.tick()
			_, ensureErr := k.EnsureFresh(f.ctx, "a", 0)
			var ce *store.CorruptError
			if !errors.As(ensureErr, &ce) {
				t.Fatalf("EnsureFresh on a damaged file: %v", ensureErr)
			}
			msg := auth.Message(ensureErr)
			if !strings.Contains(msg, "damaged") {
				t.Errorf("said as %q", msg)
			}
			k.Close()
			now, _ := os.ReadFile(path)
			copyOf, cerr := os.ReadFile(ce.Backup)
			switch {
			case !bytes.Equal(now, bad):
				t.Error("the damaged file was overwritten")
			case cerr != nil || !bytes.Equal(copyOf, bad):
				t.Errorf("no faithful copy at %s: %v", ce.Backup, cerr)
			}
			tok, err := f.st.LoadToken(f.ctx, "a")
			if err != nil || tok.RefreshToken != seeded.RefreshToken {
				r.Lost = 1
				t.Errorf("sealed token after the damage: %v", err)
			}
			storetest.Secret(t, seeded.AccessToken, seeded.RefreshToken)
			r.Observed = fmt.Sprintf("%q…; file left as is; copy %s; sealed token readable", firstWords(msg, 7), filepath.Base(ce.Backup))
			r.Leaked = leaked([]string{seeded.AccessToken, seeded.RefreshToken}, f.st.Dir(), msg, ensureErr.Error(), logs.String())
		})
	}
}

// TestFaultPortInUse: the provider's registered loopback port is taken by
// another program: connecting fails at once, naming the port, and nothing is
// stored.
func TestFaultPortInUse(t *testing.T) {
	r := row(t, "registered loopback port in use", "connect refused at once, naming the port; nothing stored")
	t.Parallel()
	srv := authtest.NewServer(t, authtest.Config{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	p := auth.Generic(srv.URL+authtest.PathAuthorize, srv.URL+authtest.PathToken)
	p.ClientID = authtest.PublicClientID
	p.RedirectPort = port
	opened := false
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = auth.Connect(ctx, p, auth.ConnectOptions{Open: func(string) error { opened = true; return nil }})
	msg := auth.Message(err)
	r.Observed = fmt.Sprintf("%v: %q", auth.KindOf(err), msg)
	if !errors.Is(err, auth.ErrPortBusy) || !strings.Contains(msg, fmt.Sprint(port)) {
		t.Errorf("port %d in use: %v (%q)", port, err, msg)
	}
	if opened {
		t.Error("the browser was opened although nothing could receive its answer")
	}
	if srv.TokenRequests() != 0 {
		t.Error("a token request was made")
	}
}
