package tray

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/godbus/dbus/v5"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/accounts"
	"github.com/tokentray/tokentray/ui/system"
)

// recordingTray is the system tray as a test sees it.
type recordingTray struct {
	mu    sync.Mutex
	menus []*fyne.Menu
	icon  fyne.Resource
}

func (r *recordingTray) SetSystemTrayMenu(m *fyne.Menu) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.menus = append(r.menus, m)
}

func (r *recordingTray) SetSystemTrayIcon(res fyne.Resource) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.icon = res
}

func (r *recordingTray) last() (*fyne.Menu, fyne.Resource, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.menus) == 0 {
		return nil, r.icon, 0
	}
	return r.menus[len(r.menus)-1], r.icon, len(r.menus)
}

// notifyingApp counts notifications.
type notifyingApp struct {
	fyne.App
	mu   sync.Mutex
	sent []string
}

func (a *notifyingApp) SendNotification(n *fyne.Notification) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sent = append(a.sent, n.Content)
}

func (a *notifyingApp) count(substr string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, s := range a.sent {
		if strings.Contains(s, substr) {
			n++
		}
	}
	return n
}

// fixture: the real accounts app (accounts.App: the store on the session
// keyring, the keeper) against the test authorization server, a "demo"
// provider on it, and the UI on Fyne's test app.
type fixture struct {
	t       *testing.T
	srv     *authtest.Server
	app     *accounts.App
	st      *store.Store
	fyneApp *notifyingApp
	tray    *recordingTray
	ui      *UI

	// applied is signalled (never blocking: one pending signal is enough)
	// each time the UI has applied an update (UI.applied).
	applied chan struct{}
}

func newFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	storetest.RequireSession(t)
	f := &fixture{t: t, srv: authtest.NewServer(t, authtest.Config{UserName: "Demo User"}), tray: &recordingTray{}}
	var err error
	if f.app, err = accounts.Open(accounts.Options{Dir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.app.Close() })
	// The store itself, as another process sees it (tests seed and inspect
	// tokens there; the app has no way to hand them out but EnsureFresh).
	if f.st, err = store.Open(store.Options{Dir: f.app.ConfigDir()}); err != nil {
		t.Fatal(err)
	}
	p, err := auth.Discover(context.Background(), nil, f.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	p.ID, p.Name, p.ClientID, p.ClientSecret = "demo", "Demo provider", authtest.ClientID, authtest.ClientSecret
	if err := f.app.SaveProvider(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	f.fyneApp = &notifyingApp{App: test.NewTempApp(t)}
	if opts.OpenURL == nil {
		opts.OpenURL = f.browser
	}
	f.ui = New(f.fyneApp, f.app, f.tray, opts)
	f.applied = make(chan struct{}, 1)
	f.ui.applied = func() {
		select {
		case f.applied <- struct{}{}:
		default:
		}
	}
	f.ui.Start()
	t.Cleanup(f.ui.Close)
	return f
}

// browser is the headless stand-in for the user's browser.
func (f *fixture) browser(u string) error {
	go authtest.Visit(context.Background(), u) //nolint:errcheck // the flow reports failures
	return nil
}

func (f *fixture) connect(name string) string {
	f.t.Helper()
	acct, err := f.app.Connect(context.Background(), "demo", name, auth.ConnectOptions{Open: f.browser})
	if err != nil {
		f.t.Fatal(err)
	}
	return acct.ID
}

// eventually waits for cond, checked on Fyne's goroutine now and again
// each time the UI has applied an update. The deadline only keeps a test
// that would wait forever from hanging: it is a failure, not a wait.
func (f *fixture) eventually(what string, cond func() bool) {
	t := f.t
	t.Helper()
	guard := time.NewTimer(15 * time.Second)
	defer guard.Stop()
	for {
		ok := false
		f.ui.doAndWait(func() { ok = cond() })
		if ok {
			return
		}
		select {
		case <-f.applied:
		case <-guard.C:
			t.Fatalf("no update of the UI brought %s (15 s)", what)
		}
	}
}

func menuLabels(m *fyne.Menu) []string {
	var out []string
	for _, it := range m.Items {
		out = append(out, it.Label)
	}
	return out
}

func TestTrayMenuAndIcon(t *testing.T) {
	f := newFixture(t, Options{})
	f.eventually("the empty menu", func() bool { m, _, _ := f.tray.last(); return m != nil })
	m, icon, _ := f.tray.last()
	if icon != iconNone || m.Items[0].Label != "No accounts connected" {
		t.Errorf("nothing connected: icon %v, menu %v", icon.Name(), menuLabels(m))
	}

	f.connect("Work")
	f.eventually("the account in the menu", func() bool {
		m, icon, _ := f.tray.last()
		return icon == iconOK && m.Items[0].Label == "Work · Demo provider — Fresh"
	})
	m, _, rebuilt := f.tray.last()
	var sub []string
	for _, it := range m.Items[0].ChildMenu.Items {
		sub = append(sub, it.Label)
	}
	if strings.Join(sub, "|") != "Copy token|Copy as Authorization header|Reconnect…|Disconnect…" {
		t.Errorf("account submenu: %v", sub)
	}
	if labels := strings.Join(menuLabels(m), "|"); !strings.Contains(labels, "Connect an account…|Import Claude sign-in…|Open Tokentray") {
		t.Errorf("menu: %v", labels)
	}
	// Nothing changed: the menu is not rebuilt.
	f.ui.reload()
	f.ui.reload()
	f.ui.doAndWait(func() {}) // the reloads have been applied
	if _, _, n := f.tray.last(); n != rebuilt {
		t.Errorf("menu rebuilt %d times without a change", n-rebuilt)
	}
	// The tray's Copy token goes through the keeper to the clipboard.
	f.ui.doAndWait(m.Items[0].ChildMenu.Items[0].Action)
	f.eventually("the token on the clipboard", func() bool { return f.fyneApp.Clipboard().Content() != "" })
}

// findIn finds the first visible object below root that match accepts,
// looking into containers and widgets' renderers.
func findIn[T fyne.CanvasObject](t *testing.T, root fyne.CanvasObject, match func(T) bool) T {
	found, _ := findOK(t, root, match)
	return found
}

// findOK is findIn, also saying whether anything was found.
func findOK[T fyne.CanvasObject](t *testing.T, root fyne.CanvasObject, match func(T) bool) (T, bool) {
	var found T
	var ok bool
	var walk func(o fyne.CanvasObject) bool
	walk = func(o fyne.CanvasObject) bool {
		if o == nil || !o.Visible() {
			return false
		}
		if v, is := o.(T); is && match(v) {
			found, ok = v, true
			return true
		}
		// The dialogs' widgets are keyboard wrappers (keys.go) around Fyne's.
		if w, is := o.(interface{ inner() fyne.CanvasObject }); is {
			if v, is := w.inner().(T); is && match(v) {
				found, ok = v, true
				return true
			}
		}
		var kids []fyne.CanvasObject
		switch v := o.(type) {
		case *fyne.Container:
			kids = v.Objects
		case fyne.Widget:
			kids = test.TempWidgetRenderer(t, v).Objects()
		}
		for _, k := range kids {
			if walk(k) {
				return true
			}
		}
		return false
	}
	walk(root)
	return found, ok
}

// findButton finds a button by its text in the window.
func findButton(t *testing.T, c fyne.Canvas, text string) *widget.Button {
	return findIn(t, c.Content(), func(b *widget.Button) bool { return b.Text == text })
}

func TestCopyThenClear(t *testing.T) {
	f := newFixture(t, Options{ClearAfter: 200 * time.Millisecond})
	id := f.connect("Work")
	f.eventually("the account in the window", func() bool { return len(f.ui.statuses) == 1 })

	// The window's Copy button.
	var copyButton *widget.Button
	f.ui.doAndWait(func() { copyButton = findButton(t, f.ui.win.Canvas(), "Copy token") })
	if copyButton == nil {
		t.Fatal("no Copy button in the window")
	}
	f.ui.doAndWait(func() { test.Tap(copyButton) })
	var tok string
	f.eventually("the token on the clipboard", func() bool { tok = f.fyneApp.Clipboard().Content(); return tok != "" })
	storetest.Secret(t, tok)
	if !f.srv.Accepts(context.Background(), tok) {
		t.Error("the copied token is rejected by the server")
	}
	var line string
	f.ui.doAndWait(func() { line = f.ui.status.Text })
	if !strings.Contains(line, "copied. It will be cleared from the clipboard in") {
		t.Errorf("status line: %q", line)
	}
	f.eventually("the clipboard cleared", func() bool { return f.fyneApp.Clipboard().Content() == "" })

	// Something else copied meanwhile is left alone.
	f.ui.doAndWait(func() { f.ui.Copy(id, true) })
	f.eventually("the header on the clipboard", func() bool {
		return strings.HasPrefix(f.fyneApp.Clipboard().Content(), "Authorization: Bearer ")
	})
	f.ui.doAndWait(func() { f.fyneApp.Clipboard().SetContent("the user's own text") })
	f.eventually("the clear timer to pass", func() bool { return f.ui.lastCopy == "" })
	if got := f.fyneApp.Clipboard().Content(); got != "the user's own text" {
		t.Errorf("the user's clipboard was changed: %q", got)
	}

	// Quitting clears a token still on the clipboard.
	f.ui.doAndWait(func() { f.ui.Copy(id, false) })
	f.eventually("the token on the clipboard", func() bool { return f.ui.lastCopy != "" })
	f.ui.doAndWait(f.ui.clearCopied) // what quit does first
	if got := f.fyneApp.Clipboard().Content(); got != "" {
		t.Error("the token stayed on the clipboard after quitting")
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

// findDialog finds the first object in the window's overlays (dialogs)
// that match accepts.
func findDialog[T fyne.CanvasObject](t *testing.T, c fyne.Canvas, match func(T) bool) T {
	var zero T
	for _, o := range c.Overlays().List() {
		if found, ok := findOK(t, o, match); ok {
			return found
		}
	}
	return zero
}

func findDialogButton(t *testing.T, c fyne.Canvas, text string) *widget.Button {
	return findDialog(t, c, func(b *widget.Button) bool { return b.Text == text })
}

func findDialogLabel(t *testing.T, c fyne.Canvas, prefix string) string {
	l := findDialog(t, c, func(l *widget.Label) bool { return strings.HasPrefix(l.Text, prefix) })
	if l == nil {
		return ""
	}
	return l.Text
}

func TestProviderSettings(t *testing.T) {
	f := newFixture(t, Options{})
	f.ui.doAndWait(f.ui.ShowSettings)
	var sel *widget.Select
	f.eventually("the settings form", func() bool {
		sel = findDialog(t, f.ui.win.Canvas(), func(*widget.Select) bool { return true })
		return sel != nil
	})
	f.ui.doAndWait(func() {
		sel.SetSelected("Clio (Europe)")
		entries := 0
		findDialog(t, f.ui.win.Canvas(), func(e *widget.Entry) bool {
			switch entries {
			case 0:
				e.SetText("my-clio-app") // client ID
			case 1:
				e.SetText("my-clio-secret") // client secret
			case 2: // the token URL: kept as it is
			case 3: // the API base URL (the gateway's): kept as it is
			case 4:
				e.SetText("acme") // custom: name
			case 5:
				e.SetText(f.srv.URL) // issuer
			case 6:
				e.SetText(authtest.ClientID)
			}
			entries++
			return false
		})
		test.Tap(findDialogButton(t, f.ui.win.Canvas(), "Save"))
	})
	f.eventually("the saved message", func() bool {
		return findDialogLabel(t, f.ui.win.Canvas(), "Saved the settings of Clio (Europe).") != ""
	})
	p, err := f.app.Provider(context.Background(), "clio-eu")
	if err != nil || p.ClientID != "my-clio-app" || p.ClientSecret != "my-clio-secret" || p.APIBase != auth.ClioHostEU {
		t.Errorf("clio-eu after saving: client %q, secret set %v, API base %q, %v", p.ClientID, p.ClientSecret != "", p.APIBase, err)
	}
	f.ui.doAndWait(func() { test.Tap(findDialogButton(t, f.ui.win.Canvas(), "Add provider")) })
	f.eventually("the added message", func() bool {
		return findDialogLabel(t, f.ui.win.Canvas(), "Added acme.") != ""
	})
	if p, err := f.app.Provider(context.Background(), "acme"); err != nil || p.Endpoint.TokenURL != f.srv.URL+authtest.PathToken {
		t.Errorf("custom provider: %+v, %v", p.Endpoint, err)
	}
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

// findLabel finds a label in the window whose text contains substr.
func findLabel(t *testing.T, c fyne.Canvas, substr string) *widget.Label {
	return findIn(t, c.Content(), func(l *widget.Label) bool { return strings.Contains(l.Text, substr) })
}

// TestFirstRunWithoutTrayHost: no accounts and no tray host: the window
// welcomes, says how to get a tray icon, and offers Start at login, which
// writes and removes the autostart entry.
func TestFirstRunWithoutTrayHost(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	as, err := system.NewAutostart()
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, Options{NoTrayHost: true, Autostart: as})
	c := f.ui.win.Canvas()
	f.ui.doAndWait(func() {
		if findIn(t, c.Content(), func(r *widget.RichText) bool { return r.String() == "Connect your first account" }) == nil {
			t.Error("no welcome on first run")
		}
		if findLabel(t, c, "gnome-shell-extension-appindicator") == nil {
			t.Error("no word on the missing tray host")
		}
	})
	// Start at login is in the window's Settings menu, ticked or not.
	login := func() *fyne.MenuItem {
		t.Helper()
		var item *fyne.MenuItem
		f.ui.doAndWait(func() {
			for _, it := range f.ui.settingsMenu().Items {
				if it.Label == "Start at login" {
					item = it
				}
			}
		})
		if item == nil {
			t.Fatal("no Start at login in the Settings menu")
		}
		return item
	}
	if login().Checked {
		t.Fatal("Start at login is ticked on first run")
	}
	entry := filepath.Join(home, ".config", "autostart", "io.github.tokentray.desktop")
	f.ui.doAndWait(login().Action)
	if _, err := os.Stat(entry); err != nil {
		t.Errorf("autostart entry after ticking: %v", err)
	}
	if !login().Checked {
		t.Error("Start at login is not ticked after ticking it")
	}
	f.ui.doAndWait(login().Action)
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Errorf("autostart entry after unticking: %v", err)
	}
}

// TestImportProfile: a profile dropped on the window is shown for
// confirmation, then added; a bad one is explained and changes nothing.
func TestImportProfile(t *testing.T) {
	f := newFixture(t, Options{})
	dir := t.TempDir()
	good := filepath.Join(dir, "clio.tokentray.json")
	os.WriteFile(good, []byte(`{"tokentray_profile": 1, "provider": {"preset": "clio-ca", "client_id": "firm-app"}}`), 0o600)
	bad := filepath.Join(dir, "bad.tokentray.json")
	os.WriteFile(bad, []byte(`{"tokentray_profile": 1, "provider": {"preset": "clio-ca"}}`), 0o600)

	f.ui.doAndWait(func() { f.ui.ImportProfile(bad) })
	f.eventually("the refusal", func() bool {
		return findDialogLabel(t, f.ui.win.Canvas(), "This connection profile cannot be used: it has no client_id") != ""
	})
	f.ui.doAndWait(func() { test.Tap(findDialogButton(t, f.ui.win.Canvas(), "Close")) })

	f.ui.doAndWait(func() { f.ui.ImportProfile(good) })
	f.eventually("the confirmation", func() bool {
		return findDialogLabel(t, f.ui.win.Canvas(), "Provider: Clio (Canada)") != ""
	})
	if p, _ := f.app.Provider(context.Background(), "clio-ca"); p.ClientID != "" {
		t.Fatal("saved before the user confirmed")
	}
	f.ui.doAndWait(func() { test.Tap(findDialogButton(t, f.ui.win.Canvas(), "Add")) })
	f.eventually("the profile saved", func() bool {
		p, _ := f.app.Provider(context.Background(), "clio-ca")
		return p.ClientID == "firm-app"
	})
}

// TestKeyringNote: when the keyring is unavailable, the window says what to
// install or unlock (the check is stood in for here, with the D-Bus answer
// of a session without a keyring; the store's own tests produce the real
// errors, with no bus and with a locked collection).
func TestKeyringNote(t *testing.T) {
	f := newFixture(t, Options{CheckKeyring: func(context.Context) error {
		return &store.KeyringError{Op: "read key", Err: dbus.Error{Name: "org.freedesktop.DBus.Error.ServiceUnknown"}}
	}})
	f.eventually("the keyring note", func() bool {
		l := findLabel(t, f.ui.win.Canvas(), "No system keyring is running")
		return l != nil && strings.Contains(l.Text, "KWallet") && strings.Contains(l.Text, "KeePassXC")
	})
}

// TestPreferences: the choices are saved with the accounts and apply at
// once (clipboard delay, notifications).
func TestPreferences(t *testing.T) {
	f := newFixture(t, Options{})
	f.ui.doAndWait(f.ui.ShowPreferences)
	var clear *widget.Select
	f.eventually("the preferences form", func() bool {
		clear = findDialog(t, f.ui.win.Canvas(), func(s *widget.Select) bool { return s.Selected == "30 seconds" })
		return clear != nil
	})
	f.ui.doAndWait(func() {
		clear.SetSelected("Never")
		findDialog(t, f.ui.win.Canvas(), func(*widget.Check) bool { return true }).SetChecked(false)
		findDialog(t, f.ui.win.Canvas(), func(c *widget.Check) bool { return strings.HasPrefix(c.Text, "Gateway") }).SetChecked(true)
		test.Tap(findDialogButton(t, f.ui.win.Canvas(), "Save"))
	})
	f.eventually("saved and closed", func() bool { return len(f.ui.keys.open) == 0 && f.ui.status.Text == "Preferences saved." })
	s, err := f.app.Settings()
	if err != nil || s.ClearClipboardSeconds != 0 || !s.NotificationsOff || !s.Gateway.On {
		t.Fatalf("saved settings: %+v, %v", s, err)
	}
	f.eventually("the gateway serving", func() bool { return f.ui.gwPort != 0 })
	var clearAfter time.Duration
	f.ui.doAndWait(func() {
		clearAfter = f.ui.opts.ClearAfter
		f.ui.note(keeper.Event{Account: "x", Kind: keeper.EventReconnectNeeded, Err: &auth.Error{Kind: auth.KindReconnect}})
	})
	if clearAfter >= 0 {
		t.Errorf("clear delay %v, want never", clearAfter)
	}
	if n := f.fyneApp.count("needs to be reconnected"); n != 0 {
		t.Errorf("%d notifications with notifications off", n)
	}
}

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

// TestRecentEventsKeepTheWindowsSize: the recent events are a list of fixed
// height, newest first: sixty events later the window's content asks for
// no more room than with none, and the first line is the latest event.
func TestRecentEventsKeepTheWindowsSize(t *testing.T) {
	f := newFixture(t, Options{})
	var before fyne.Size
	f.ui.doAndWait(func() { before = f.ui.win.Content().MinSize() })
	f.ui.doAndWait(func() {
		for i := range 60 {
			f.ui.note(keeper.Event{Account: fmt.Sprint("acct-", i), Kind: keeper.EventRefreshed})
		}
	})
	f.ui.doAndWait(func() {
		if after := f.ui.win.Content().MinSize(); after.Height != before.Height {
			t.Errorf("the window's content grew from %v to %v with the events", before, after)
		}
		if n := f.ui.events.Length(); n != keptEvents {
			t.Errorf("%d events kept, want %d", n, keptEvents)
		}
		first := findIn(t, f.ui.events, func(l *widget.Label) bool { return l.Text != "" })
		if first == nil || !strings.Contains(first.Text, "acct-59: token refreshed.") {
			t.Errorf("the first line is not the newest event: %v", first)
		}
	})
}
