package tray

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/accounts"
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
	if f.app, err = accounts.Open(accounts.Options{Dir: t.TempDir(), Service: storetest.Service(t)}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.app.Close() })
	// The store itself, as another process sees it (tests seed and inspect
	// tokens there; the app has no way to hand them out but EnsureFresh).
	if f.st, err = store.Open(store.Options{Dir: f.app.ConfigDir(), Service: storetest.Service(t)}); err != nil {
		t.Fatal(err)
	}
	p, err := accounts.DemoProvider(context.Background(), f.srv.URL, authtest.ClientID, authtest.ClientSecret)
	if err != nil {
		t.Fatal(err)
	}
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

// findLabel finds a label in the window whose text contains substr.
func findLabel(t *testing.T, c fyne.Canvas, substr string) *widget.Label {
	return findIn(t, c.Content(), func(l *widget.Label) bool { return strings.Contains(l.Text, substr) })
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
