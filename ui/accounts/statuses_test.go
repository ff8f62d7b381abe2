package accounts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
)

// Tokens of the account the locked-keyring test stores; never sent
// anywhere.
const (
	lockedTestAccess  = "locked-keyring-test-access-token"
	lockedTestRefresh = "locked-keyring-test-refresh-token"
	lockedTestMargin  = 10 * time.Minute // the provider's own: not the default
)

// TestStatusesWithLockedKeyring: with the keyring locked (the screen was
// locked, or the login keyring never unlocked), a process that starts and
// shows the accounts — tokentray list and status, the window's first draw —
// answers at once and right: each account with the renewal time its
// provider's margin gives, although the provider has a client secret,
// sealed under the keyring's key, which that process cannot read. Only a
// refresh needs the secret.
//
// The processes run on a private bus with a keyring of the test's own
// (storetest.StartKeyring), as child processes: go-keyring keeps the first
// bus it connected to.
func TestStatusesWithLockedKeyring(t *testing.T) {
	storetest.LinuxOnly(t, "locks a gnome-keyring on a private D-Bus; Windows' Credential Manager has no lock of its own")
	if role := os.Getenv("ACCOUNTS_KEYRING_CHILD"); role != "" {
		lockedKeyringChild(role, os.Getenv("ACCOUNTS_CHILD_DIR"))
		os.Exit(0)
	}
	storetest.Secret(t, lockedTestAccess, lockedTestRefresh)
	kr := storetest.StartKeyring(t)
	dir := t.TempDir()
	run := func(role string) lockedKeyringReport {
		t.Helper()
		c := exec.Command(os.Args[0], "-test.run=^TestStatusesWithLockedKeyring$")
		c.Env = append(kr.Env, "ACCOUNTS_KEYRING_CHILD="+role, "ACCOUNTS_CHILD_DIR="+dir)
		c.Stderr = os.Stderr
		out, err := c.Output()
		if err != nil {
			t.Fatalf("%s child: %v\n%s", role, err, out)
		}
		var r lockedKeyringReport
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatalf("%s child said %q: %v", role, out, err)
		}
		return r
	}
	if r := run("seed"); r.Err != "" {
		t.Fatalf("seed: %s", r.Err)
	}

	kr.Lock()
	r := run("list")
	if !r.SecretLocked {
		t.Fatalf("the keyring is not locked for the listing process (reading the client secret gave %q): the test proves nothing", r.SecretErr)
	}
	if r.Err != "" {
		t.Fatalf("Statuses with the keyring locked: %s", r.Err)
	}
	if len(r.Accounts) != 1 {
		t.Fatalf("%d accounts listed, want 1: %+v", len(r.Accounts), r.Accounts)
	}
	a := r.Accounts[0]
	if want := a.Expiry.Add(-lockedTestMargin); a.Expiry.IsZero() || !a.RenewAt.Equal(want) {
		t.Errorf("%s renews at %v with the keyring locked, want %v (its expiry %v less its provider's margin %v)",
			a.Name, a.RenewAt, want, a.Expiry, lockedTestMargin)
	}
}

// lockedKeyringReport is what a child of TestStatusesWithLockedKeyring
// says, as JSON on stdout.
type lockedKeyringReport struct {
	Err      string          `json:"err,omitempty"`
	Accounts []listedAccount `json:"accounts,omitempty"`
	// SecretLocked: reading the provider's client secret, after Statuses,
	// failed for want of the keyring (SecretErr).
	SecretLocked bool   `json:"secret_locked,omitempty"`
	SecretErr    string `json:"secret_err,omitempty"`
}

// listedAccount is an account as Statuses showed it.
type listedAccount struct {
	Name            string
	Expiry, RenewAt time.Time
}

// lockedKeyringChild is a Tokentray process on the test's keyring, its
// store in dir: seed saves a provider with a client secret and connects an
// account to it; list reads the statuses, then tries to read the client
// secret.
func lockedKeyringChild(role, dir string) {
	var r lockedKeyringReport
	defer func() {
		out, _ := json.Marshal(r)
		fmt.Println(string(out))
	}()
	a, err := Open(Options{Dir: dir, Service: storetest.PackageService()})
	if err != nil {
		r.Err = err.Error()
		return
	}
	defer a.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	switch role {
	case "seed":
		p := auth.Generic("http://127.0.0.1:1/authorize", "http://127.0.0.1:1/token")
		p.ID, p.Name = "acme", "Acme"
		p.ClientID, p.ClientSecret = "acme-client", "acme-client-secret"
		p.RefreshMargin = lockedTestMargin
		if err := a.SaveProvider(ctx, p); err != nil {
			r.Err = err.Error()
			return
		}
		tok := &auth.Token{AccessToken: lockedTestAccess, RefreshToken: lockedTestRefresh, TokenType: "bearer",
			Expiry: time.Now().Add(time.Hour)}
		if _, err := a.add(ctx, store.Account{Provider: p.ID, Name: "Work"}, p, tok); err != nil {
			r.Err = err.Error()
		}
	case "list":
		sts, err := a.Statuses()
		if err != nil {
			r.Err = err.Error()
			return
		}
		for _, s := range sts {
			r.Accounts = append(r.Accounts, listedAccount{s.Name, s.Expiry, s.RenewAt})
		}
		_, err = a.Provider(ctx, "acme")
		r.SecretLocked = errors.Is(err, store.ErrKeyringUnavailable)
		if err != nil {
			r.SecretErr = err.Error()
		}
	}
}
