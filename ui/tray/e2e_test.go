//go:build linux

package tray

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"
	"github.com/jezek/xgb"
	"github.com/jezek/xgb/damage"
	"github.com/jezek/xgb/xfixes"
	"github.com/jezek/xgb/xproto"

	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/accounts"
	"github.com/tokentray/tokentray/ui/system/title/titletest"
)

// TestDemoAppEndToEnd starts the built app (demo build, installed as
// tokentray-app beside the tokentray command, which starts it, as a user's
// menu entry does) in a real window and tray under a private Xvfb, on the
// test session's D-Bus and keyring, with LANG=C.UTF-8 (no translation,
// and no complaint about it either); connects the demo account through the
// loopback with a headless browser; checks the account from the app's store
// (the command line); that a second launch maps the first one's window
// again after the user closed it (to the tray); and takes a screenshot.
// Set TOKENTRAY_SCREENSHOT to keep it.
func TestDemoAppEndToEnd(t *testing.T) {
	skipShort(t)
	storetest.RequireSession(t)
	if _, err := exec.LookPath("import"); err != nil {
		storetest.Missing(t, "ImageMagick's import", "make test-deps")
	}
	titletest.StartXvfb(t)
	a := buildDemoApp(t)
	dir, bin, env := a.dir, a.bin, a.env
	run := func(args ...string) string {
		t.Helper()
		return a.run(t, args...)
	}

	host := startTrayHost(t)
	x := watchDisplay(t)
	exited := a.start(t)

	// The app registers its demo provider before it makes its window.
	win := x.waitWindow(t, "Tokentray")
	if !strings.Contains(run("provider", "list"), "Demo provider") {
		t.Fatal("the window is up but the demo provider is not registered")
	}
	// The empty window, once it stopped changing (drawn, and settled).
	empty := settledShot(t, x, win, dir, "empty.png")

	run("connect", "demo", "--name", "Demo User")
	var accounts []map[string]any
	json.Unmarshal([]byte(run("list", "--json")), &accounts)
	if len(accounts) != 1 || accounts[0]["name"] != "Demo User" || accounts[0]["state"] != "ok" {
		t.Fatalf("accounts: %v", accounts)
	}

	// A second launch shows the first instance's window (which reloads)
	// and exits at once. The window is closed first (the app lives on in
	// the tray), so that only the show message can map it again.
	win.followDrawing(t)
	win.close(t)
	win.waitMapped(t, false, "the window hidden after closing it")
	second := exec.Command(bin)
	second.Env = env
	if err := second.Run(); err != nil {
		t.Fatalf("second launch: %v", err)
	}
	select {
	case err := <-exited:
		t.Fatalf("the first instance exited: %v", err)
	default:
	}
	win.waitMapped(t, true, "the window shown again by the second launch")

	// The window changes once it shows the account: looked at again each
	// time it is drawn.
	var shot []byte
	x.wait(t, "the window change after connecting", func() bool {
		shot = windowShot(t, x, win, dir, "account.png")
		return !samePixels(t, shot, empty)
	})
	if keep := os.Getenv("TOKENTRAY_SCREENSHOT"); keep != "" {
		os.WriteFile(keep, shot, 0o644)
	}

	// The tray: the item registered with our host; its menu lists the
	// account; "Copy token" activated over D-Bus puts a fresh token on the
	// X clipboard.
	var item string
	select {
	case item = <-host.items:
	case <-time.After(30 * time.Second):
		t.Fatal("the tray item never registered with the host")
	}
	menu := host.conn.Object(item, "/StatusNotifierItem/menu")
	changed := make(chan *dbus.Signal, 16) // the menu's LayoutUpdated, ItemsPropertiesUpdated
	host.conn.Signal(changed)
	defer host.conn.RemoveSignal(changed)
	if err := host.conn.AddMatchSignal(dbus.WithMatchSender(item), dbus.WithMatchInterface("com.canonical.dbusmenu")); err != nil {
		t.Fatal(err)
	}
	var copyID int32 = -1
	var labels []string
	for guard := time.After(30 * time.Second); copyID < 0; {
		var rev uint32
		var layout menuNode
		if err := menu.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &layout); err != nil {
			t.Fatalf("GetLayout: %v", err)
		}
		labels = labels[:0]
		layout.walk(func(id int32, label string, parents []string) {
			labels = append(labels, label)
			if label == "Copy token" && len(parents) > 0 && strings.HasPrefix(parents[len(parents)-1], "Demo User · Demo provider") && strings.HasSuffix(parents[len(parents)-1], " — Fresh") {
				copyID = id
			}
		})
		if copyID < 0 {
			select { // looked at again when the menu changes
			case <-changed:
			case <-guard:
				t.Fatalf("the tray menu never listed the account: %q", labels)
			}
		}
	}
	x.followClipboard(t)
	if err := menu.Call("com.canonical.dbusmenu.Event", 0, copyID, "clicked", dbus.MakeVariant(""), uint32(0)).Err; err != nil {
		t.Fatalf("activate Copy token: %v", err)
	}
	want := strings.TrimSpace(run("token", "Demo User", "--min-valid", "10s"))
	storetest.Secret(t, want)
	var got string
	for guard := time.After(30 * time.Second); ; {
		out, _ := exec.Command("xclip", "-o", "-selection", "clipboard").Output()
		if got = string(out); got == want {
			break
		}
		select { // looked at again when the clipboard changes hands
		case <-x.events:
		case <-guard:
			t.Fatalf("the clipboard holds %d bytes, not the account's token", len(got))
		}
	}
}

// demoApp is the demo build of the app, installed as tokentray-app beside
// the tokentray command in a test's directory, with the environment that
// runs both: LANG=C.UTF-8, a private config directory, the package's
// keyring service (storetest.PackageService: the tests' own stores on that
// directory use it too), and the test binary as the user's browser.
type demoApp struct {
	dir, bin string
	env      []string
	proc     *os.Process // the app last started
}

// skipShort skips an end-to-end test under go test -short: it builds the
// app (go build) and runs it in real windows under Xvfb, which takes
// minutes. Each such test calls it first, before it looks for its tools.
func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: builds and runs the real app; run make test")
	}
}

// buildDemoApp builds the demo app and the command into a new directory
// (skipped under -short, see skipShort).
func buildDemoApp(t *testing.T) *demoApp {
	t.Helper()
	skipShort(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "tokentray")
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		t.Fatal(err)
	}
	appBuild := exec.Command("go", "build", "-tags", "demo", "-o", filepath.Join(dir, "tokentray-app"), ".")
	cmdBuild := exec.Command("go", "build", "-o", bin, "./ui/cli/tokentray")
	cmdBuild.Env = append(os.Environ(), "CGO_ENABLED=0")
	for _, b := range []*exec.Cmd{appBuild, cmdBuild} {
		b.Dir = strings.TrimSpace(string(root))
		if out, err := b.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", b.Args, err, out)
		}
	}
	browser := filepath.Join(dir, "browser")
	os.WriteFile(browser, []byte(fmt.Sprintf("#!/bin/sh\nTOKENTRAY_ROLE=browser exec %q \"$1\"\n", os.Args[0])), 0o700)
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "LANG" && k != "LANGUAGE" && !strings.HasPrefix(k, "LC_") {
			env = append(env, kv)
		}
	}
	env = append(env, "LANG=C.UTF-8", "TOKENTRAY_CONFIG_DIR="+filepath.Join(dir, "config"), "TOKENTRAY_BROWSER="+browser,
		accounts.KeyringServiceEnv+"="+storetest.PackageService())
	return &demoApp{dir: dir, bin: bin, env: env}
}

// run runs the command line with args and returns its output.
func (a *demoApp) run(t *testing.T, args ...string) string {
	t.Helper()
	c := exec.Command(a.bin, args...)
	c.Env = a.env
	var out, errOut bytes.Buffer
	c.Stdout, c.Stderr = &out, &errOut
	if err := c.Run(); err != nil {
		t.Fatalf("tokentray %v: %v\n%s", args, err, errOut.String())
	}
	return out.String()
}

// start starts the desktop app through the command, as a user's menu entry
// does, and stops it when the test ends, failing the test if the app
// complained about the locale (and showing its output if the test failed).
// The channel receives the app's exit.
func (a *demoApp) start(t *testing.T) <-chan error {
	t.Helper()
	app := exec.Command(a.bin)
	app.Env = a.env
	var appLog bytes.Buffer
	app.Stdout, app.Stderr = &appLog, &appLog
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	a.proc = app.Process
	exited := make(chan error, 1)
	done := make(chan struct{})
	go func() { exited <- app.Wait(); close(done) }()
	t.Cleanup(func() {
		app.Process.Kill()
		<-done
		if strings.Contains(appLog.String(), "locale") {
			t.Errorf("the app complained about the locale:\n%s", appLog.String())
		}
		if t.Failed() {
			t.Logf("app output:\n%s", appLog.String())
		}
	})
	return exited
}

// trayHost is a minimal StatusNotifierWatcher on the session bus, as a
// desktop's tray would run.
type trayHost struct {
	conn  *dbus.Conn
	items chan string // bus names of registered items
}

func (h *trayHost) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	select {
	case h.items <- string(sender):
	default:
	}
	return nil
}

func (h *trayHost) RegisterStatusNotifierHost(service string) *dbus.Error { return nil }

func startTrayHost(t *testing.T) *trayHost {
	t.Helper()
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	h := &trayHost{conn: conn, items: make(chan string, 4)}
	const path = "/StatusNotifierWatcher"
	if err := conn.Export(h, path, "org.kde.StatusNotifierWatcher"); err != nil {
		t.Fatal(err)
	}
	if _, err := prop.Export(conn, path, prop.Map{"org.kde.StatusNotifierWatcher": {
		"IsStatusNotifierHostRegistered": {Value: true},
		"ProtocolVersion":                {Value: int32(0)},
		"RegisteredStatusNotifierItems":  {Value: []string{}},
	}}); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName("org.kde.StatusNotifierWatcher", dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("become the tray host: %v %v", reply, err)
	}
	return h
}

// menuNode is a com.canonical.dbusmenu layout node: (id, properties,
// children).
type menuNode struct {
	ID       int32
	Props    map[string]dbus.Variant
	Children []dbus.Variant
}

// walk calls f for every item below n with its label and its parents'.
func (n menuNode) walk(f func(id int32, label string, parents []string)) {
	var rec func(v []any, parents []string)
	rec = func(v []any, parents []string) {
		if len(v) != 3 {
			return
		}
		id, _ := v[0].(int32)
		props, _ := v[1].(map[string]dbus.Variant)
		label, _ := props["label"].Value().(string)
		f(id, label, parents)
		kids, _ := v[2].([]dbus.Variant)
		for _, k := range kids {
			if c, ok := k.Value().([]any); ok {
				rec(c, append(parents, label))
			}
		}
	}
	for _, k := range n.Children {
		if c, ok := k.Value().([]any); ok {
			rec(c, nil)
		}
	}
}

// xDisplay follows the test's X display: windows made, mapped, unmapped or
// destroyed at the top level (no window manager reparents them), and, once
// asked, the clipboard changing hands and a window being drawn on. Waits
// look again at each event.
type xDisplay struct {
	conn   *xgb.Conn
	root   xproto.Window
	events chan struct{} // one pending signal stands for any number of events
}

// watchDisplay starts following the display until the test ends.
func watchDisplay(t *testing.T) *xDisplay {
	t.Helper()
	xgb.Logger = log.New(io.Discard, "", 0) // its notes on the missing .Xauthority
	conn, err := xgb.NewConn()
	if err != nil {
		t.Fatalf("connect to the X display: %v", err)
	}
	x := &xDisplay{conn: conn, root: xproto.Setup(conn).DefaultScreen(conn).Root, events: make(chan struct{}, 1)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			ev, err := conn.WaitForEvent()
			if ev == nil && err == nil {
				return // closed
			}
			select {
			case x.events <- struct{}{}:
			default:
			}
		}
	}()
	t.Cleanup(func() { conn.Close(); <-done })
	if err := xproto.ChangeWindowAttributesChecked(conn, x.root, xproto.CwEventMask,
		[]uint32{xproto.EventMaskSubstructureNotify}).Check(); err != nil {
		t.Fatal(err)
	}
	return x
}

// wait waits until cond holds, looking again at each event; the deadline
// is a failure, not a wait.
func (x *xDisplay) wait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	guard := time.NewTimer(60 * time.Second)
	defer guard.Stop()
	defer logSlow(t, time.Now(), what)
	for !cond() {
		select {
		case <-x.events:
		case <-guard.C:
			t.Fatalf("never saw %s (60 s)", what)
		}
	}
}

// logSlow notes a wait that took long (not a failure: a clue).
func logSlow(t *testing.T, since time.Time, what string) {
	t.Helper()
	if d := time.Since(since); d > 5*time.Second {
		t.Logf("waited %v for %s", d.Round(time.Millisecond), what)
	}
}

// waitWindow waits for the one top-level window named title to be mapped.
func (x *xDisplay) waitWindow(t *testing.T, title string) *xWindow {
	t.Helper()
	var w *xWindow
	x.wait(t, "a window named "+title, func() bool {
		tree, err := xproto.QueryTree(x.conn, x.root).Reply()
		if err != nil {
			t.Fatal(err)
		}
		var found []xproto.Window
		for _, c := range tree.Children {
			name, err := xproto.GetProperty(x.conn, false, c, xproto.AtomWmName, xproto.GetPropertyTypeAny, 0, 256).Reply()
			if err == nil && string(name.Value) == title {
				found = append(found, c)
			}
		}
		if len(found) > 1 {
			t.Fatalf("%d top-level windows named %q, want 1", len(found), title)
		}
		if len(found) == 0 {
			return false
		}
		w = &xWindow{x, found[0]}
		return w.mapped(t)
	})
	return w
}

// followClipboard adds the clipboard changing hands to the events.
func (x *xDisplay) followClipboard(t *testing.T) {
	t.Helper()
	if err := xfixes.Init(x.conn); err != nil {
		t.Fatal(err)
	}
	if _, err := xfixes.QueryVersion(x.conn, 5, 0).Reply(); err != nil {
		t.Fatal(err)
	}
	name := "CLIPBOARD"
	clip, err := xproto.InternAtom(x.conn, false, uint16(len(name)), name).Reply()
	if err != nil {
		t.Fatal(err)
	}
	if err := xfixes.SelectSelectionInputChecked(x.conn, x.root, clip.Atom,
		xfixes.SelectionEventMaskSetSelectionOwner).Check(); err != nil {
		t.Fatal(err)
	}
}

// xWindow is a top-level window of the display.
type xWindow struct {
	x  *xDisplay
	id xproto.Window
}

// mapped says whether the window is on the screen (mapped, and so are its
// parents).
func (w *xWindow) mapped(t *testing.T) bool {
	t.Helper()
	a, err := xproto.GetWindowAttributes(w.x.conn, w.id).Reply()
	if err != nil {
		t.Fatal(err)
	}
	return a.MapState == xproto.MapStateViewable
}

// waitMapped waits until the window's map state is want.
func (w *xWindow) waitMapped(t *testing.T, want bool, what string) {
	t.Helper()
	w.x.wait(t, what, func() bool { return w.mapped(t) == want })
}

// followDrawing adds the window being drawn on (X Damage) to the events.
func (w *xWindow) followDrawing(t *testing.T) {
	t.Helper()
	if err := damage.Init(w.x.conn); err != nil {
		t.Fatal(err)
	}
	if _, err := damage.QueryVersion(w.x.conn, 1, 1).Reply(); err != nil {
		t.Fatal(err)
	}
	id, err := damage.NewDamageId(w.x.conn)
	if err != nil {
		t.Fatal(err)
	}
	if err := damage.CreateChecked(w.x.conn, id, xproto.Drawable(w.id), damage.ReportLevelRawRectangles).Check(); err != nil {
		t.Fatal(err)
	}
}

// close asks the window to close, as a window manager does for its close
// button (WM_DELETE_WINDOW).
func (w *xWindow) close(t *testing.T) {
	t.Helper()
	atom := func(name string) xproto.Atom {
		r, err := xproto.InternAtom(w.x.conn, false, uint16(len(name)), name).Reply()
		if err != nil {
			t.Fatal(err)
		}
		return r.Atom
	}
	ev := xproto.ClientMessageEvent{Format: 32, Window: w.id, Type: atom("WM_PROTOCOLS"),
		Data: xproto.ClientMessageDataUnionData32New([]uint32{uint32(atom("WM_DELETE_WINDOW")), xproto.TimeCurrentTime, 0, 0, 0})}
	if err := xproto.SendEventChecked(w.x.conn, false, w.id, xproto.EventMaskNoEvent, string(ev.Bytes())).Check(); err != nil {
		t.Fatalf("close the window: %v", err)
	}
}

// samePixels compares two PNGs by their pixels (the files carry times).
func samePixels(t *testing.T, a, b []byte) bool {
	t.Helper()
	return changedPixels(t, a, b) == 0
}

// changedPixels counts the pixels that differ between two screenshots of
// the same size (all of them when the sizes differ).
func changedPixels(t *testing.T, a, b []byte) int {
	t.Helper()
	ia, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	ib, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	r := ia.Bounds()
	if r != ib.Bounds() {
		return r.Dx() * r.Dy()
	}
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if ia.At(x, y) != ib.At(x, y) {
				n++
			}
		}
	}
	return n
}
