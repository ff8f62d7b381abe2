package tray

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
)

// TestDisconnectClioExpiredToken: disconnecting a Clio account whose access
// token has run out refreshes it first (Clio answers 401 to an expired
// one), deauthorizes the fresh one, and the window says what Clio keeps and
// where, in the account's region of Clio Manage, to remove it.
func TestDisconnectClioExpiredToken(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	p, _ := auth.PresetAt("clio-eu", f.srv.URL)
	p.Redirect = auth.RedirectLoopback
	p.ClientID, p.ClientSecret = authtest.ClientID, authtest.ClientSecret
	if err := f.app.SaveProvider(ctx, p); err != nil {
		t.Fatal(err)
	}
	acct, err := f.app.Connect(ctx, "clio-eu", "Firm", auth.ConnectOptions{Open: f.browser})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := f.st.LoadToken(ctx, acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Secret(t, tok.AccessToken, tok.RefreshToken)
	if err := f.srv.ExpireAccess(ctx, tok.AccessToken); err != nil {
		t.Fatal(err)
	}
	expired := *tok
	expired.Expiry = time.Now().Add(-time.Hour)
	if err := f.st.Update(ctx, func(tx *store.Tx) error { return tx.SaveToken(acct.ID, &expired) }); err != nil {
		t.Fatal(err)
	}

	f.ui.doAndWait(func() { f.ui.ConfirmDisconnect(acct.ID, "Firm") })
	f.eventually("the confirmation", func() bool { return findDialogButton(t, f.ui.win.Canvas(), "Disconnect") != nil })
	f.ui.doAndWait(func() { test.Tap(findDialogButton(t, f.ui.win.Canvas(), "Disconnect")) })
	want := "Disconnected Firm. Clio ended the access token Tokentray held. Clio keeps the app's authorization until you remove it: " +
		"in Clio Manage (" + f.srv.URL + "), open Settings and remove the app under the apps you have connected."
	var said string
	f.eventually("the outcome in the window", func() bool {
		said = f.ui.status.Text
		return said != "" && !strings.HasPrefix(said, "Disconnecting")
	})
	shown := false
	f.ui.doAndWait(func() { shown = findLabel(t, f.ui.win.Canvas(), want) != nil })
	if said != want || !shown {
		t.Errorf("the window says %q\nwant %q", said, want)
	}
	if n := f.srv.GrantCount("refresh_token"); n != 1 {
		t.Errorf("%d refreshes before deauthorizing, want 1", n)
	}
	if sts, _ := f.app.Statuses(); len(sts) != 0 {
		t.Errorf("accounts after disconnect: %+v", sts)
	}
}
