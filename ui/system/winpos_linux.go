package system

import (
	"fmt"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/randr"
	"github.com/jezek/xgb/xproto"
)

// WindowPosition is where the X11 window handle is: the top-left corner of
// its frame (the window less the frame's extents, _NET_FRAME_EXTENTS, that
// a window manager announces), which is what MoveWindow places.
func WindowPosition(handle uintptr) (Point, error) {
	conn, err := xgb.NewConn()
	if err != nil {
		return Point{}, fmt.Errorf("window position: %w", err)
	}
	defer conn.Close()
	w := xproto.Window(handle)
	root := xproto.Setup(conn).DefaultScreen(conn).Root
	at, err := xproto.TranslateCoordinates(conn, w, root, 0, 0).Reply()
	if err != nil {
		return Point{}, fmt.Errorf("window position: %w", err)
	}
	left, top := frameExtents(conn, w)
	return Point{int(at.DstX) - left, int(at.DstY) - top}, nil
}

// MoveWindow places the X11 window's frame at p (with the default
// north-west gravity a window manager puts the frame there; with none, the
// window itself).
func MoveWindow(handle uintptr, p Point) error {
	conn, err := xgb.NewConn()
	if err != nil {
		return fmt.Errorf("move window: %w", err)
	}
	defer conn.Close()
	err = xproto.ConfigureWindowChecked(conn, xproto.Window(handle),
		xproto.ConfigWindowX|xproto.ConfigWindowY, []uint32{uint32(int32(p.X)), uint32(int32(p.Y))}).Check()
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

// frameExtents is the left and top of the window manager's frame around w,
// or zero.
func frameExtents(conn *xgb.Conn, w xproto.Window) (left, top int) {
	atom, err := xproto.InternAtom(conn, true, uint16(len("_NET_FRAME_EXTENTS")), "_NET_FRAME_EXTENTS").Reply()
	if err != nil || atom.Atom == xproto.AtomNone {
		return 0, 0
	}
	prop, err := xproto.GetProperty(conn, false, w, atom.Atom, xproto.AtomCardinal, 0, 4).Reply()
	if err != nil || prop.Format != 32 || len(prop.Value) < 16 {
		return 0, 0
	}
	// left, right, top, bottom, in the connection's byte order
	return int(int32(xgb.Get32(prop.Value[0:]))), int(int32(xgb.Get32(prop.Value[8:])))
}
