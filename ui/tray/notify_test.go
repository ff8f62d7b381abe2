package tray

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
)

// TestRefreshFailureInFrench: under LANG=fr_FR.UTF-8, a refresh that
// fails for real (the provider answers 503), and then a grant the provider
// ended, read entirely in French in the events list and in the
// notifications: the reason inside each sentence too, not auth's English.
func TestRefreshFailureInFrench(t *testing.T) {
	if os.Getenv(localeChild) == "" {
		storetest.RequireSession(t)
		inLocale(t, "TestRefreshFailureInFrench", "fr_FR.UTF-8")
		return
	}
	useWords()
	f := newFixture(t, Options{})
	ctx := context.Background()
	id := f.connect("Cabinet Dupont")
	px := authtest.NewProxy(t, f.srv.URL)
	p, err := f.app.Provider(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	p.Endpoint.TokenURL = px.URL + authtest.PathToken
	if err := f.app.SaveProvider(ctx, p); err != nil {
		t.Fatal(err)
	}
	tok, err := f.st.LoadToken(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Secret(t, tok.AccessToken, tok.RefreshToken)
	tok.Expiry = time.Now().Add(-time.Minute)
	if err := f.st.Update(ctx, func(tx *store.Tx) error { return tx.SaveToken(id, tok) }); err != nil {
		t.Fatal(err)
	}

	px.Inject(authtest.PathToken, authtest.FaultStatus(http.StatusServiceUnavailable, ""))
	_, err = f.app.EnsureFresh(ctx, id, time.Minute)
	if !errors.Is(err, auth.ErrTransient) {
		t.Fatalf("a refresh against a provider answering 503: %v", err)
	}
	const notNow = "Le fournisseur ne répond pas correctement pour le moment. Tokentray réessaiera ; rien n’a été perdu."
	f.said(err, "Cabinet Dupont : renouvellement impossible", "Cabinet Dupont : renouvellement impossible ("+notNow+")",
		"Le jeton de Cabinet Dupont expire bientôt", "Le jeton de Cabinet Dupont expire bientôt et Tokentray ne peut pas le renouveler pour le moment. "+notNow)

	if err := f.srv.Revoke(ctx, tok.RefreshToken); err != nil {
		t.Fatal(err)
	}
	_, err = f.app.EnsureFresh(ctx, id, time.Minute)
	if !errors.Is(err, auth.ErrReconnectNeeded) {
		t.Fatalf("a refresh of an ended grant: %v", err)
	}
	f.said(err, "Cabinet Dupont : reconnexion nécessaire", "Cabinet Dupont : reconnexion nécessaire.",
		"Cabinet Dupont doit être reconnecté", "Cabinet Dupont doit être reconnecté : L’accès de ce compte a pris fin (il a été révoqué ou a expiré). Veuillez reconnecter le compte.")
}

// said waits for the events list's line that begins with lineBegins and
// for the notification that begins with noticeBegins (the account's name
// and what happened), then checks that they are line and notice word for
// word, and that no line nor notification holds err's English sentence.
func (f *fixture) said(err error, lineBegins, line, noticeBegins, notice string) {
	t := f.t
	t.Helper()
	var gotLine, gotNotice string
	var log, sent []string
	f.eventually("the events' line and the notification", func() bool {
		log = append([]string(nil), f.ui.log...)
		f.fyneApp.mu.Lock()
		sent = append([]string(nil), f.fyneApp.sent...)
		f.fyneApp.mu.Unlock()
		for _, l := range log {
			if _, l, ok := strings.Cut(l, "  "); ok && strings.HasPrefix(l, lineBegins) {
				gotLine = l
			}
		}
		for _, n := range sent {
			if strings.HasPrefix(n, noticeBegins) {
				gotNotice = n
			}
		}
		return gotLine != "" && gotNotice != ""
	})
	if gotLine != line {
		t.Errorf("the events list says %q\nwant %q", gotLine, line)
	}
	if gotNotice != notice {
		t.Errorf("the notification says %q\nwant %q", gotNotice, notice)
	}
	english := auth.Message(err)
	for _, s := range append(sent, log...) {
		if strings.Contains(s, english) {
			t.Errorf("%q has the English %q inside", s, english)
		}
	}
}

// TestNotificationsOncePerCondition: the keeper, refreshing for real
// against a failing provider, says each lasting condition once until it
// ends, and the tray notifies exactly that: one "expires soon" for three
// failed attempts, a new one after a refresh that worked, one "reconnect"
// however often the dead account is asked for.
func TestNotificationsOncePerCondition(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	id := f.connect("Work")
	f.eventually("the connected notification", func() bool { return f.fyneApp.count("Connected Work") == 1 })
	expire := func() {
		t.Helper()
		tok, err := f.st.LoadToken(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		storetest.Secret(t, tok.AccessToken, tok.RefreshToken)
		tok.Expiry = time.Now().Add(-time.Minute)
		if err := f.st.Update(ctx, func(tx *store.Tx) error { return tx.SaveToken(id, tok) }); err != nil {
			t.Fatal(err)
		}
	}
	lines := func(substr string) int { return strings.Count(strings.Join(f.ui.log, "\n"), substr) } // on Fyne's goroutine
	px := authtest.NewProxy(t, f.srv.URL)
	p, err := f.app.Provider(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	p.Endpoint.TokenURL = px.URL + authtest.PathToken
	if err := f.app.SaveProvider(ctx, p); err != nil {
		t.Fatal(err)
	}
	failing := func(n int) {
		t.Helper()
		for range n {
			px.Inject(authtest.PathToken, authtest.FaultStatus(http.StatusServiceUnavailable, ""))
		}
		var before int
		f.ui.doAndWait(func() { before = lines("could not refresh") })
		for range n {
			if _, err := f.app.EnsureFresh(ctx, id, time.Minute); err == nil {
				t.Fatal("a refresh against a failing provider succeeded")
			}
		}
		f.eventually("the failed attempts in the events", func() bool { return lines("could not refresh") >= min(before+n, 8) })
	}
	expire()
	failing(3)
	// A refresh that works ends the condition; its event comes after every
	// event of the failed attempts, so once it is shown they all were.
	fresh, err := f.app.EnsureFresh(ctx, id, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Secret(t, fresh.AccessToken, fresh.RefreshToken)
	f.eventually("the refresh in the events", func() bool { return lines("Work: token refreshed.") == 1 })
	if n := f.fyneApp.count("expires soon"); n != 1 {
		t.Errorf("%d expiring notifications for 3 failed attempts, want 1", n)
	}
	if n := f.fyneApp.count("could not refresh"); n != 0 {
		t.Errorf("retries notified %d times", n)
	}
	// The next failure is a new condition.
	expire()
	failing(1)
	f.eventually("the second expiring notification", func() bool { return f.fyneApp.count("expires soon") == 2 })
	// The grant ends: reconnect needed is said once, however often asked.
	tok, _ := f.st.LoadToken(ctx, id)
	if err := f.srv.Revoke(ctx, tok.RefreshToken); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := f.app.EnsureFresh(ctx, id, time.Minute); !errors.Is(err, auth.ErrReconnectNeeded) {
			t.Fatalf("after revocation: %v", err)
		}
	}
	f.eventually("reconnect needed in the events", func() bool { return lines("Work: reconnect needed.") == 1 })
	if n := f.fyneApp.count("needs to be reconnected"); n != 1 {
		t.Errorf("%d reconnect notifications, want 1", n)
	}
}
