//go:build linux || freebsd || netbsd || openbsd || dragonfly

package title

import (
	"context"
	"io"
	"log"
	"os"
	"sync"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// x11 reads titles over the X protocol: the window manager's
// _NET_CLIENT_LIST, each window's _NET_WM_NAME (UTF-8) or WM_NAME; without a
// window manager, a walk of the window tree.
type x11 struct {
	conn  *xgb.Conn
	root  xproto.Window
	atoms map[string]xproto.Atom
}

var quietXGB sync.Once

func open() (Watcher, error) {
	if os.Getenv("DISPLAY") == "" {
		return nil, ErrUnavailable // no X server (or Wayland without XWayland)
	}
	quietXGB.Do(func() { xgb.Logger = log.New(io.Discard, "", 0) }) // X errors are handled here, not logged
	conn, err := xgb.NewConn()
	if err != nil {
		return nil, ErrUnavailable
	}
	w := &x11{conn: conn, root: xproto.Setup(conn).DefaultScreen(conn).Root, atoms: map[string]xproto.Atom{}}
	for _, name := range []string{"_NET_CLIENT_LIST", "_NET_WM_NAME", "UTF8_STRING"} {
		// Created if need be: a browser may set _NET_WM_NAME later.
		r, err := xproto.InternAtom(conn, false, uint16(len(name)), name).Reply()
		if err != nil {
			conn.Close()
			return nil, ErrUnavailable
		}
		w.atoms[name] = r.Atom
	}
	return w, nil
}

func (w *x11) Close() error {
	w.conn.Close()
	return nil
}

func (w *x11) Titles(ctx context.Context) ([]string, error) {
	wins := w.clientList()
	if len(wins) == 0 {
		wins = w.tree(w.root, 3)
	}
	var out []string
	for _, win := range wins {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if t := w.name(win); t != "" {
			out = append(out, t)
		}
	}
	return out, nil
}

// clientList is the window manager's list of client windows (EWMH).
func (w *x11) clientList() []xproto.Window {
	atom := w.atoms["_NET_CLIENT_LIST"]
	r, err := xproto.GetProperty(w.conn, false, w.root, atom, xproto.AtomWindow, 0, 1<<16).Reply()
	if err != nil || r.Format != 32 {
		return nil
	}
	wins := make([]xproto.Window, 0, r.ValueLen)
	for i := 0; i+4 <= len(r.Value); i += 4 {
		wins = append(wins, xproto.Window(xgb.Get32(r.Value[i:])))
	}
	return wins
}

// tree lists the windows below parent, depth levels deep (reparenting
// window managers put clients inside frames).
func (w *x11) tree(parent xproto.Window, depth int) []xproto.Window {
	r, err := xproto.QueryTree(w.conn, parent).Reply()
	if err != nil {
		return nil
	}
	var out []xproto.Window
	for _, c := range r.Children {
		out = append(out, c)
		if depth > 1 {
			out = append(out, w.tree(c, depth-1)...)
		}
	}
	return out
}

// name is the window's _NET_WM_NAME, else its WM_NAME.
func (w *x11) name(win xproto.Window) string {
	if r, err := xproto.GetProperty(w.conn, false, win, w.atoms["_NET_WM_NAME"], w.atoms["UTF8_STRING"], 0, 1024).Reply(); err == nil && len(r.Value) > 0 {
		return string(r.Value)
	}
	r, err := xproto.GetProperty(w.conn, false, win, xproto.AtomWmName, xproto.GetPropertyTypeAny, 0, 1024).Reply()
	if err != nil {
		return ""
	}
	return string(r.Value)
}
