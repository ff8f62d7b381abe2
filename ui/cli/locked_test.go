package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/cli"
)

// TestListAndStatusWithLockedKeyring (issue 22): with the keyring locked
// (the screen was locked, or the login keyring never unlocked), tokentray
// list, status and status --json answer, exit 0, and show the account as
// they did unlocked, although its provider has a client secret sealed under
// the keyring's key: they never ask the keyring. The test watches the
// keyring's bus: the commands send the Secret Service nothing, while
// tokentray token in the same state asks it and fails for the lock (which
// proves the keyring was locked and the watch sees the calls).
//
// Every command runs under a deadline that only keeps a command waiting on
// the keyring from hanging the test; how long each took is logged, not
// asserted.
func TestListAndStatusWithLockedKeyring(t *testing.T) {
	storetest.LinuxOnly(t, "locks a gnome-keyring on a private D-Bus; Windows' Credential Manager has no lock of its own")
	c := newCLI(t, authtest.Config{})
	kr := storetest.StartKeyring(t) // a keyring of this test's own, to lock
	secrets := watchSecretService(t, kr)
	run := func(args ...string) result {
		t.Helper()
		return c.runGuarded(kr.Env, args...)
	}
	if r := c.runWith(strings.NewReader(authtest.ClientSecret+"\n"), kr.Env, "provider", "add", "demo", "--issuer", c.srv.URL,
		"--client-id", authtest.ClientID, "--client-secret-stdin", "--scopes", "openid profile email offline_access"); r.code != 0 {
		t.Fatalf("provider add: %s", r.errOut)
	}
	if r := run("connect", "demo", "--name", "Work"); r.code != 0 {
		t.Fatalf("connect: %s", r.errOut)
	}
	if r := run("token", "Work"); r.code != 0 {
		t.Fatalf("token before the lock: exit %d\n%s", r.code, r.errOut)
	} else {
		storetest.Secret(t, strings.TrimSpace(r.out))
	}
	unlocked := map[string]result{}
	for _, args := range [][]string{{"list"}, {"status"}, {"status", "--json"}} {
		unlocked[strings.Join(args, " ")] = run(args...)
	}
	var before []map[string]any
	if err := json.Unmarshal([]byte(unlocked["status --json"].out), &before); err != nil || len(before) != 1 ||
		before[0]["name"] != "Work" || before[0]["state"] != "ok" || before[0]["expires_at"] == nil {
		t.Fatalf("status --json before the lock (%v):\n%s", err, unlocked["status --json"].out)
	}

	kr.Lock()
	for _, args := range [][]string{{"list"}, {"status"}, {"status", "--json"}} {
		cmd := strings.Join(args, " ")
		secrets.reset()
		start := time.Now()
		r := run(args...)
		t.Logf("tokentray %s with the keyring locked: exit %d in %v", cmd, r.code, time.Since(start).Round(time.Millisecond))
		if r.code != 0 || r.errOut != "" {
			t.Errorf("tokentray %s with the keyring locked: exit %d\n%s", cmd, r.code, r.errOut)
		}
		if r.out != unlocked[cmd].out {
			t.Errorf("tokentray %s with the keyring locked says\n%s\nunlocked it said\n%s", cmd, r.out, unlocked[cmd].out)
		}
		if !strings.Contains(r.out, "Work") || (cmd != "status --json" && !strings.Contains(r.out, " ok ")) {
			t.Errorf("tokentray %s with the keyring locked does not show Work as ok:\n%s", cmd, r.out)
		}
		if calls := secrets.calls(); len(calls) != 0 {
			t.Errorf("tokentray %s asked the locked keyring: %v", cmd, calls)
		}
	}

	secrets.reset()
	r := run("token", "Work")
	if r.code != cli.ExitKeyring || !strings.Contains(r.errOut, "locked") {
		t.Fatalf("tokentray token with the keyring locked: exit %d, want %d (keyring)\n%s\nthe keyring is not locked: the test proves nothing",
			r.code, cli.ExitKeyring, r.errOut)
	}
	if len(secrets.calls()) == 0 {
		t.Fatal("tokentray token asked the keyring nothing the watch saw: the watch proves nothing")
	}
}

// runGuarded runs a command on c's config dir with env added, under a
// deadline that only keeps a command stuck on the keyring from hanging the
// test (a failure, not a wait).
func (c *cliEnv) runGuarded(env []string, args ...string) result {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	base := c.command(args...)
	cmd := exec.CommandContext(ctx, base.Path, args...)
	cmd.Env = append(base.Env, env...)
	cmd.Stdin = strings.NewReader("")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ctx.Err() != nil {
		c.t.Fatalf("tokentray %s did not answer within a minute (waiting on the keyring?)\n%s", strings.Join(args, " "), errOut.String())
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatalf("run %v: %v", args, err)
	}
	return result{code, out.String(), errOut.String()}
}

// secretCalls records the Secret Service method calls on a keyring's bus.
type secretCalls struct {
	mu     sync.Mutex
	seen   []string
	marker string // the unique name of the connection that sends markers
	marked chan struct{}
	conn   *dbus.Conn
}

// watchSecretService becomes a monitor of kr's bus until the test ends.
func watchSecretService(t *testing.T, kr *storetest.Keyring) *secretCalls {
	t.Helper()
	var addr string
	for _, kv := range kr.Env {
		if v, ok := strings.CutPrefix(kv, "DBUS_SESSION_BUS_ADDRESS="); ok {
			addr = v
		}
	}
	mon, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mon.Close() })
	marker, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { marker.Close() })
	s := &secretCalls{marker: marker.Names()[0], marked: make(chan struct{}, 1), conn: marker}
	rules := []string{"type='method_call',destination='org.freedesktop.secrets'"}
	if err := mon.BusObject().Call("org.freedesktop.DBus.Monitoring.BecomeMonitor", 0, rules, uint32(0)).Err; err != nil {
		t.Fatalf("become a D-Bus monitor: %v", err)
	}
	msgs := make(chan *dbus.Message, 1024)
	mon.Eavesdrop(msgs)
	go func() {
		for msg := range msgs { // closed with the connection
			from, _ := msg.Headers[dbus.FieldSender].Value().(string)
			iface, _ := msg.Headers[dbus.FieldInterface].Value().(string)
			member, _ := msg.Headers[dbus.FieldMember].Value().(string)
			if from == s.marker {
				select {
				case s.marked <- struct{}{}:
				default:
				}
				continue
			}
			s.mu.Lock()
			s.seen = append(s.seen, iface+"."+member)
			s.mu.Unlock()
		}
	}()
	return s
}

// sync returns once the monitor has seen every call sent before it: the
// bus hands the monitor messages in the order it routes them, and a marker
// sent now comes after them.
func (s *secretCalls) sync() {
	s.conn.Object("org.freedesktop.secrets", "/").Call("org.freedesktop.DBus.Peer.Ping", 0) //nolint:errcheck // only its passage counts
	select {
	case <-s.marked:
	case <-time.After(time.Minute): // a guard against a lost marker, not a wait
	}
}

// reset forgets the calls seen so far.
func (s *secretCalls) reset() {
	s.sync()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen = nil
}

// calls returns the calls seen since reset.
func (s *secretCalls) calls() []string {
	s.sync()
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.seen...)
}
