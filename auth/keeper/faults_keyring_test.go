package keeper

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
)

// TestFaultKeyring: the keyring daemon dies, or the keyring is locked,
// while Tokentray runs. The running process keeps refreshing (it read the
// sealing key at start); a process started meanwhile says in plain words
// that the keyring is unavailable and writes nothing in plain text; once the
// keyring is back, every process reads the newest token.
//
// Each process runs on a private bus with its own keyring daemon
// (storetest.StartKeyring), as a child process: go-keyring keeps the first
// bus it connected to.
func TestFaultKeyring(t *testing.T) {
	storetest.LinuxOnly(t, "kills and locks a gnome-keyring daemon on a private D-Bus")
	if role := os.Getenv("KEEPER_KEYRING_CHILD"); role != "" {
		keyringChild(role)
		os.Exit(0)
	}
	for _, tc := range []struct {
		scenario, expected string
		fault              func(*storetest.Keyring)
		said               string // in what the new process says
	}{
		{"keyring daemon killed mid-run", "running app keeps refreshing; a new process says no keyring is running; all readable once it is back",
			(*storetest.Keyring).Stop, "No system keyring is running"},
		{"keyring locked mid-run", "running app keeps refreshing; a new process says the keyring is locked; all readable once unlocked",
			(*storetest.Keyring).Lock, "locked"},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			r := row(t, tc.scenario, tc.expected)
			t.Parallel()
			runKeyringFault(t, r, tc.fault, tc.said)
		})
	}
}

func runKeyringFault(t *testing.T, r *faultRow, fault func(*storetest.Keyring), said string) {
	kr := storetest.StartKeyring(t)
	srv := authtest.NewServer(t, authtest.Config{})
	px := authtest.NewProxy(t, srv.URL)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	seeded, err := srv.IssueTokens(ctx, "openid")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Secret(t, seeded.AccessToken, seeded.RefreshToken)
	output := &logBuffer{} // everything the children said, for the leak scan
	child := func(role string) *exec.Cmd {
		c := exec.Command(os.Args[0], "-test.run=^TestFaultKeyring$")
		c.Env = append(kr.Env, "KEEPER_KEYRING_CHILD="+role, "KEEPER_CHILD_DIR="+dir, "KEEPER_CHILD_URL="+px.URL)
		c.Stderr = output
		return c
	}
	run := func(role, stdin string) string {
		t.Helper()
		c := child(role)
		c.Stdin = strings.NewReader(stdin)
		out, err := c.Output()
		output.Write(out)
		if err != nil {
			t.Fatalf("%s child: %v", role, err)
		}
		return strings.TrimSpace(string(out))
	}
	if got := run("seed", seeded.AccessToken+"\n"+seeded.RefreshToken+"\n"); got != "ok" {
		t.Fatalf("seed: %s", got)
	}

	// The running app.
	loop := child("loop")
	in, _ := loop.StdinPipe()
	outPipe, _ := loop.StdoutPipe()
	if err := loop.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { in.Close(); loop.Wait() }()
	lines := bufio.NewReader(io.TeeReader(outPipe, output))
	refresh := func() string {
		t.Helper()
		fmt.Fprintln(in, "go")
		line, err := lines.ReadString('\n')
		if err != nil {
			t.Fatalf("running app: %v", err)
		}
		return strings.TrimSpace(line)
	}
	if got := refresh(); !strings.HasPrefix(got, "ok ") {
		t.Fatalf("before the fault: %s", got)
	}

	fault(kr)
	during := refresh()
	if !strings.HasPrefix(during, "ok ") {
		t.Errorf("the running app stopped refreshing: %s", during)
	}
	fresh := run("token", "")
	if !strings.HasPrefix(fresh, "err keyring ") {
		t.Errorf("a process started during the fault said %q, want a keyring error", fresh)
	}
	msg := strings.TrimPrefix(fresh, "err keyring ")
	if !strings.Contains(msg, said) {
		t.Errorf("a process started during the fault said %q, want %q in it", msg, said)
	}

	kr.Stop()
	kr.Start() // back, unlocked with the password
	last := refresh()
	after := run("token", "")
	if !strings.HasPrefix(last, "ok ") || after != last {
		r.Lost = 1
		t.Errorf("after the keyring came back: the running app says %q, a new process %q", last, after)
	}
	r.Observed = fmt.Sprintf("running app: refreshed; new process: %q…; afterwards both read the newest token",
		firstWords(msg, 8))
	in.Close()
	loop.Wait()
	r.Leaked = leaked(tokensOf(px, seeded.AccessToken, seeded.RefreshToken), dir, output.String())
	storetest.Secret(t, tokensOf(px)...)
}

// keyringChild is a Tokentray process on the private keyring: seed stores
// the tokens read from stdin as account "a"; loop refreshes "a" for every
// line read and says "ok HASH" or "err KIND MESSAGE"; token asks once.
func keyringChild(role string) {
	st, err := store.Open(store.Options{Dir: os.Getenv("KEEPER_CHILD_DIR"), Service: "tokentray-fault", KeyringTimeout: 3 * time.Second})
	if err != nil {
		fmt.Println("err open", err)
		os.Exit(0)
	}
	ctx := context.Background()
	p := auth.Generic("", os.Getenv("KEEPER_CHILD_URL")+authtest.PathToken)
	p.ClientID = authtest.PublicClientID
	k := New(Config{Store: st, Provider: func(context.Context, store.Account) (auth.Provider, error) { return p, nil }})
	defer k.Close()
	ask := func(minValid time.Duration) {
		tok, err := k.EnsureFresh(ctx, "a", minValid)
		switch {
		case err == nil:
			fmt.Println("ok", short(tok.RefreshToken))
		case errors.Is(err, store.ErrKeyringUnavailable):
			fmt.Println("err keyring", auth.Message(err))
		default:
			fmt.Println("err other", auth.Message(err))
		}
	}
	in := bufio.NewScanner(os.Stdin)
	switch role {
	case "seed":
		in.Scan()
		access := in.Text()
		in.Scan()
		tok := &oauth2.Token{AccessToken: access, RefreshToken: in.Text(), TokenType: "bearer", Expiry: time.Now().Add(-time.Second)}
		err := st.Update(ctx, func(tx *store.Tx) error {
			if err := tx.SaveToken("a", tok); err != nil {
				return err
			}
			return tx.PutAccount(store.Account{ID: "a", Provider: "generic", Name: "a", Expiry: tok.Expiry, Connected: time.Now(), Status: StatusOK})
		})
		if err != nil {
			fmt.Println("err", err)
			return
		}
		fmt.Println("ok")
	case "loop":
		for in.Scan() {
			ask(2 * time.Hour) // longer than the tokens live: a refresh every time
		}
	case "token":
		ask(0)
	}
}
