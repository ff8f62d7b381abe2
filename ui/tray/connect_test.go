package tray

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/accounts"
)

func TestConnectDialog(t *testing.T) {
	f := newFixture(t, Options{})
	f.ui.doAndWait(func() { f.ui.ShowConnect("demo") })
	var connect *widget.Button
	f.eventually("the provider step", func() bool {
		connect = findDialogButton(t, f.ui.win.Canvas(), "Connect")
		return connect != nil
	})
	f.ui.doAndWait(func() { test.Tap(connect) })
	f.eventually("the success step", func() bool {
		return findDialogLabel(t, f.ui.win.Canvas(), "Connected Demo User.") != ""
	})
	if sts, _ := f.app.Statuses(); len(sts) != 1 || sts[0].Name != "Demo User" {
		t.Errorf("accounts after connecting: %+v", sts)
	}

	// Declined: the dialog says so in plain words.
	f.srv.SetDecision(authtest.Deny)
	f.ui.doAndWait(func() { f.ui.connectUI.d.Hide() })
	f.ui.doAndWait(func() { f.ui.ShowConnect("demo") })
	f.eventually("the provider step", func() bool {
		connect = findDialogButton(t, f.ui.win.Canvas(), "Connect")
		return connect != nil
	})
	f.ui.doAndWait(func() { test.Tap(connect) })
	f.eventually("the declined message", func() bool {
		return findDialogLabel(t, f.ui.win.Canvas(), "You declined access") != ""
	})
}

// TestConnectDialogWhenTheBrowserFails: the browser cannot be opened. The
// dialog says so in plain words, shows the sign-in address with Copy link,
// and keeps waiting: opening the copied link completes the connection.
func TestConnectDialogWhenTheBrowserFails(t *testing.T) {
	f := newFixture(t, Options{OpenURL: func(string) error { return errors.New("exit status 3") }})
	f.ui.doAndWait(func() { f.ui.ShowConnect("demo") })
	var connect, copyLink *widget.Button
	f.eventually("the provider step", func() bool {
		connect = findDialogButton(t, f.ui.win.Canvas(), "Connect")
		return connect != nil
	})
	f.ui.doAndWait(func() { test.Tap(connect) })
	f.eventually("the link to open by hand", func() bool {
		copyLink = findDialogButton(t, f.ui.win.Canvas(), "Copy link")
		return copyLink != nil && copyLink.Visible() &&
			findDialogLabel(t, f.ui.win.Canvas(), "Tokentray could not open your browser.") != ""
	})
	var link string
	f.ui.doAndWait(func() {
		test.Tap(copyLink)
		link = f.fyneApp.Clipboard().Content()
	})
	if !strings.HasPrefix(link, f.srv.URL+authtest.PathAuthorize+"?") {
		t.Fatalf("Copy link put %q on the clipboard, not the sign-in address", link)
	}
	if _, err := authtest.Visit(context.Background(), link); err != nil {
		t.Fatal(err)
	}
	f.eventually("the success step", func() bool {
		return findDialogLabel(t, f.ui.win.Canvas(), "Connected Demo User.") != ""
	})
}

// TestReconnect: after the provider revoked the grant, Reconnect runs the
// flow again for the same user (login_hint) and revives the same account.
func TestReconnect(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.connect("Work")
	tok, err := f.st.LoadToken(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Secret(t, tok.AccessToken, tok.RefreshToken)
	if err := f.srv.Revoke(context.Background(), tok.RefreshToken); err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.EnsureFresh(context.Background(), id, 2*time.Hour); !errors.Is(err, auth.ErrReconnectNeeded) {
		t.Fatalf("after revocation: %v", err)
	}
	f.eventually("reconnect needed in the window", func() bool {
		return len(f.ui.statuses) == 1 && StatusWord(f.ui.statuses[0], time.Now()) == "Reconnect needed"
	})
	f.ui.doAndWait(func() { f.ui.Reconnect(id) })
	f.eventually("the success step", func() bool {
		return findDialogLabel(t, f.ui.win.Canvas(), "Connected Work.") != ""
	})
	if hint := f.srv.LastAuthorize().Get("login_hint"); hint != "demo.user@example.test" {
		t.Errorf("login_hint = %q", hint)
	}
	sts, _ := f.app.Statuses()
	if len(sts) != 1 || sts[0].ID != id || sts[0].Status != keeper.StatusOK {
		t.Fatalf("after reconnecting: %+v", sts)
	}
	fresh, err := f.app.EnsureFresh(context.Background(), id, time.Minute)
	if err != nil || !f.srv.Accepts(context.Background(), fresh.AccessToken) {
		t.Errorf("the reconnected account's token: %v", err)
	}
	storetest.Secret(t, fresh.AccessToken)

	// Signing in as someone else does not take the account over.
	acct := sts[0].Account
	acct.Subject = "someone-else"
	if err := f.st.Update(context.Background(), func(tx *store.Tx) error { return tx.PutAccount(acct) }); err != nil {
		t.Fatal(err)
	}
	_, err = f.app.Reconnect(context.Background(), id, auth.ConnectOptions{Open: f.browser})
	var other *accounts.OtherUserError
	if !errors.As(err, &other) || !strings.Contains(other.Message(), "Demo User") {
		t.Fatalf("reconnect as another user: %v", err)
	}
	if after, _ := f.st.LoadToken(context.Background(), id); after == nil || after.AccessToken != fresh.AccessToken {
		t.Error("the account's tokens were replaced by another user's")
	}
}
