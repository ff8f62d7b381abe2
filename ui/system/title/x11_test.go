//go:build linux

package title_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/ui/system/title"
	"github.com/tokentray/tokentray/ui/system/title/titletest"
)

// xwin is a window the test creates, standing in for a browser's.
type xwin struct {
	t    *testing.T
	conn *xgb.Conn
	id   xproto.Window
}

func atom(t *testing.T, conn *xgb.Conn, name string) xproto.Atom {
	r, err := xproto.InternAtom(conn, false, uint16(len(name)), name).Reply()
	if err != nil {
		t.Fatal(err)
	}
	return r.Atom
}

func newWindow(t *testing.T, conn *xgb.Conn, wmName string) *xwin {
	t.Helper()
	id, err := xproto.NewWindowId(conn)
	if err != nil {
		t.Fatal(err)
	}
	s := xproto.Setup(conn).DefaultScreen(conn)
	if err := xproto.CreateWindowChecked(conn, s.RootDepth, id, s.Root, 0, 0, 200, 100, 0,
		xproto.WindowClassInputOutput, s.RootVisual, 0, nil).Check(); err != nil {
		t.Fatal(err)
	}
	w := &xwin{t, conn, id}
	w.setName(xproto.AtomWmName, xproto.AtomString, wmName)
	if err := xproto.MapWindowChecked(conn, id).Check(); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *xwin) setName(prop, typ xproto.Atom, name string) {
	w.t.Helper()
	if err := xproto.ChangePropertyChecked(w.conn, xproto.PropModeReplace, w.id, prop, typ, 8,
		uint32(len(name)), []byte(name)).Check(); err != nil {
		w.t.Fatal(err)
	}
}

// retitle sets the UTF-8 title, as browsers do.
func (w *xwin) retitle(name string) {
	w.setName(atom(w.t, w.conn, "_NET_WM_NAME"), atom(w.t, w.conn, "UTF8_STRING"), name)
}

func receive(t *testing.T, ch <-chan string) string {
	t.Helper()
	select {
	case s := <-ch:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("no approval title found in 10 s")
		return ""
	}
}

// TestX11Titles: an approval title is found, also one set later; other
// windows' titles that merely contain "code=" are not; with a window
// manager's _NET_CLIENT_LIST, only listed windows count.
func TestX11Titles(t *testing.T) {
	titletest.StartXvfb(t)
	conn, err := xgb.NewConn()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	mail := newWindow(t, conn, "Re: code=abcd1234 please review - Mail")
	browser := newWindow(t, conn, "New Tab - Chromium")
	newWindow(t, conn, "Terminal: curl ...?code=zzzz9999")

	w, err := title.Open()
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	found := make(chan string)
	done := make(chan error, 1)
	polled := &signalling{Watcher: w, first: make(chan struct{})}
	go func() { done <- title.Feed(ctx, polled, 20*time.Millisecond, found) }()
	<-polled.first // Feed took its baseline: what changes from now on counts

	browser.retitle("Success code=ory_ac_Q1w2E3.r4T5y6 - Chromium")
	got := receive(t, found)
	if code, err := auth.ParseApproval(got, "state-0123456789"); err != nil || code != "ory_ac_Q1w2E3.r4T5y6" {
		t.Fatalf("found %q → %q, %v", got, code, err)
	}

	// A window manager lists its clients: only those are read. The mail
	// window, unlisted, now shows an approval-looking title first.
	root := xproto.Setup(conn).DefaultScreen(conn).Root
	list := make([]byte, 4)
	xgb.Put32(list, uint32(browser.id))
	if err := xproto.ChangePropertyChecked(conn, xproto.PropModeReplace, root, atom(t, conn, "_NET_CLIENT_LIST"),
		xproto.AtomWindow, 32, 1, list).Check(); err != nil {
		t.Fatal(err)
	}
	mail.retitle("Success code=notlisted1 - Mail")
	browser.retitle("Failure error=access_denied — Mozilla Firefox")
	got = receive(t, found)
	if got != "Failure error=access_denied — Mozilla Firefox" {
		t.Fatalf("found %q: an unlisted window was read", got)
	}
	if _, err := auth.ParseApproval(got, ""); !errors.Is(err, auth.ErrDeclined) {
		t.Errorf("denied title parses as %v", err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Feed ended with %v", err)
	}
}

// TestNoDisplay: without a display the watcher is unavailable, quietly.
func TestNoDisplay(t *testing.T) {
	t.Setenv("DISPLAY", "")
	if _, err := title.Open(); !errors.Is(err, title.ErrUnavailable) {
		t.Errorf("Open without a display: %v", err)
	}
	t.Setenv("DISPLAY", ":999") // no server there
	if _, err := title.Open(); !errors.Is(err, title.ErrUnavailable) {
		t.Errorf("Open with a dead display: %v", err)
	}
}

// signalling closes first once the first Titles call has returned.
type signalling struct {
	title.Watcher
	first chan struct{}
	once  sync.Once
}

func (s *signalling) Titles(ctx context.Context) ([]string, error) {
	defer s.once.Do(func() { close(s.first) })
	return s.Watcher.Titles(ctx)
}
