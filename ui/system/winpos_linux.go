package system

import (
	"fmt"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/randr"
	"github.com/jezek/xgb/xproto"
)

// WindowPosition is where the X11 window handle is: its own top-left
// corner on the screen (inside any frame a window manager put around it),
// which is what MoveWindow places.
func WindowPosition(handle uintptr) (Point, error) {
	conn, err := xgb.NewConn()
	if err != nil {
		return Point{}, fmt.Errorf("window position: %w", err)
	}
	defer conn.Close()
	root := xproto.Setup(conn).DefaultScreen(conn).Root
	at, err := xproto.TranslateCoordinates(conn, xproto.Window(handle), root, 0, 0).Reply()
	if err != nil {
		return Point{}, fmt.Errorf("window position: %w", err)
	}
	return Point{int(at.DstX), int(at.DstY)}, nil
}

// MoveWindow puts the X11 window's own top-left corner at p. Under a window
// manager it asks through EWMH's _NET_MOVERESIZE_WINDOW with static
// gravity, which means exactly that whatever the frame (a plain move
// request is read differently by different window managers: the frame's
// corner, or the window's); with none, it moves the window itself.
func MoveWindow(handle uintptr, p Point) error {
	conn, err := xgb.NewConn()
	if err != nil {
		return fmt.Errorf("move window: %w", err)
	}
	defer conn.Close()
	w := xproto.Window(handle)
	root := xproto.Setup(conn).DefaultScreen(conn).Root
	if moveResize := atom(conn, "_NET_MOVERESIZE_WINDOW"); moveResize != xproto.AtomNone && supported(conn, root, moveResize) {
		const staticGravity, withX, withY, fromApplication = 10, 1 << 8, 1 << 9, 1 << 12
		ev := xproto.ClientMessageEvent{Format: 32, Window: w, Type: moveResize,
			Data: xproto.ClientMessageDataUnionData32New([]uint32{staticGravity | withX | withY | fromApplication,
				uint32(int32(p.X)), uint32(int32(p.Y)), 0, 0})}
		err = xproto.SendEventChecked(conn, false, root,
			xproto.EventMaskSubstructureRedirect|xproto.EventMaskSubstructureNotify, string(ev.Bytes())).Check()
	} else {
		err = xproto.ConfigureWindowChecked(conn, w,
			xproto.ConfigWindowX|xproto.ConfigWindowY, []uint32{uint32(int32(p.X)), uint32(int32(p.Y))}).Check()
	}
	if err != nil {
		return fmt.Errorf("move window: %w", err)
	}
	return nil
}

// OnScreen says whether p lies well inside one of the monitors there are
// now (RandR's), so that a window saved on a monitor since unplugged is
// not put back where no one sees it; without RandR, inside the screen.
func OnScreen(p Point) bool {
	conn, err := xgb.NewConn()
	if err != nil {
		return false
	}
	defer conn.Close()
	s := xproto.Setup(conn).DefaultScreen(conn)
	const margin = 32 // enough of the window's corner to take hold of
	inside := func(x, y, w, h int) bool {
		return p.X >= x && p.Y >= y && p.X < x+w-margin && p.Y < y+h-margin
	}
	if randr.Init(conn) == nil {
		if ms, err := randr.GetMonitors(conn, s.Root, true).Reply(); err == nil && len(ms.Monitors) > 0 {
			for _, m := range ms.Monitors {
				if inside(int(m.X), int(m.Y), int(m.Width), int(m.Height)) {
					return true
				}
			}
			return false
		}
	}
	return inside(0, 0, int(s.WidthInPixels), int(s.HeightInPixels))
}

// atom is the named atom, or AtomNone when the server has none by that
// name (nothing uses it, so no window manager supports it).
func atom(conn *xgb.Conn, name string) xproto.Atom {
	r, err := xproto.InternAtom(conn, true, uint16(len(name)), name).Reply()
	if err != nil {
		return xproto.AtomNone
	}
	return r.Atom
}

// supported says whether the running window manager lists a in the root's
// _NET_SUPPORTED (a window manager that left leaves the list behind, so it
// must also still announce itself in _NET_SUPPORTING_WM_CHECK).
func supported(conn *xgb.Conn, root xproto.Window, a xproto.Atom) bool {
	check := atom(conn, "_NET_SUPPORTING_WM_CHECK")
	if check == xproto.AtomNone {
		return false
	}
	wm, err := xproto.GetProperty(conn, false, root, check, xproto.AtomWindow, 0, 1).Reply()
	if err != nil || wm.ValueLen == 0 || len(wm.Value) < 4 {
		return false
	}
	// The check window must exist and point at itself.
	self, err := xproto.GetProperty(conn, false, xproto.Window(xgb.Get32(wm.Value)), check, xproto.AtomWindow, 0, 1).Reply()
	if err != nil || self.ValueLen == 0 || len(self.Value) < 4 || xgb.Get32(self.Value) != xgb.Get32(wm.Value) {
		return false
	}
	list := atom(conn, "_NET_SUPPORTED")
	r, err := xproto.GetProperty(conn, false, root, list, xproto.AtomAtom, 0, 1024).Reply()
	if err != nil {
		return false
	}
	for i := 0; i+4 <= len(r.Value); i += 4 {
		if xproto.Atom(xgb.Get32(r.Value[i:])) == a {
			return true
		}
	}
	return false
}
