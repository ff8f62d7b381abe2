//go:build linux

package tray

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode"

	"github.com/godbus/dbus/v5"
	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/system/title/titletest"
)

// panelDesktop is the desktop the panel tests run on: Xvfb, xfce4-panel
// with its tray, a D-Bus monitor following the menus the panel is sent,
// and the demo app built (not started).
type panelDesktop struct {
	a       *demoApp
	x       *xDisplay
	bus     *dbus.Conn
	signals chan *dbus.Signal
	menus   *menuMonitor
	plug    *xWindow
}

func startPanelDesktop(t *testing.T) *panelDesktop {
	t.Helper()
	xfconfd := requirePanel(t)
	titletest.StartXvfb(t)
	a := buildDemoApp(t)
	x := watchDisplay(t)
	bus, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	signals := make(chan *dbus.Signal, 64)
	bus.Signal(signals)
	menus := watchMenus(t)
	startPanel(t, bus, signals, a.dir, xfconfd)
	var host string
	if err := bus.BusObject().Call("org.freedesktop.DBus.GetNameOwner", 0, "org.kde.StatusNotifierWatcher").Store(&host); err != nil {
		t.Fatal(err)
	}
	menus.follow(host)
	plug := x.waitTray(t)
	return &panelDesktop{a: a, x: x, bus: bus, signals: signals, menus: menus, plug: plug}
}

// TestTrayMenuInPanel runs a real StatusNotifierItem host, xfce4-panel with
// its Status Tray plugin (which is also the StatusNotifierWatcher), on the
// test's Xvfb and D-Bus session; starts the demo app with a connected demo
// account, closes its window (the app lives on in the tray), waits for the
// icon in the panel and for the panel to have loaded the app's menu (a D-Bus
// monitor sees the layouts it is sent), right-clicks the icon (a left click
// is the app's: it shows the window), and reads the open menu back from the
// screen with OCR: each top-level entry the app publishes in its D-Bus menu
// (the account with its state, "Open Tokentray", "Quit", …) must be on the
// screen, not only in the D-Bus layout. The screenshot of the open menu is
// kept as tray-menu.png in $TOKENTRAY_SCREENSHOTS when that is set.
func TestTrayMenuInPanel(t *testing.T) {
	skipShort(t)
	d := startPanelDesktop(t)
	a, x, bus, signals, menus, plug := d.a, d.x, d.bus, d.signals, d.menus, d.plug

	a.start(t)
	win := x.waitWindow(t, "Tokentray")
	a.run(t, "connect", "demo", "--name", "Demo User")
	// A second launch shows the window, reloaded (now, rather than at the
	// app's next ten-second tick), and exits at once: the window is closed
	// first so that the show is seen to have happened, then again, for the
	// app to live on in the tray alone.
	win.close(t)
	win.waitMapped(t, false, "the window hidden after closing it")
	second := exec.Command(a.bin)
	second.Env = a.env
	if err := second.Run(); err != nil {
		t.Fatalf("second launch: %v", err)
	}
	win.waitMapped(t, true, "the window shown again by the second launch")
	win.close(t)
	win.waitMapped(t, false, "the window hidden after closing it again")

	// The item registered with the panel's watcher, and its menu lists the
	// account (with its submenu of actions).
	if err := bus.AddMatchSignal(dbus.WithMatchInterface("org.kde.StatusNotifierWatcher")); err != nil {
		t.Fatal(err)
	}
	var itemName string
	var itemPath dbus.ObjectPath
	waitBus(t, signals, "the tray item registered with the panel's watcher", func() bool {
		v, err := bus.Object("org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher").GetProperty("org.kde.StatusNotifierWatcher.RegisteredStatusNotifierItems")
		if err != nil {
			t.Fatalf("the watcher's items: %v", err)
		}
		items, _ := v.Value().([]string)
		if len(items) > 1 {
			t.Fatalf("the watcher lists %d items, want only the app's: %q", len(items), items)
		}
		if len(items) == 0 {
			return false
		}
		name, path, ok := strings.Cut(items[0], "/")
		itemName, itemPath = name, dbus.ObjectPath("/"+path)
		if !ok {
			itemPath = "/StatusNotifierItem"
		}
		return true
	})
	v, err := bus.Object(itemName, itemPath).GetProperty("org.kde.StatusNotifierItem.Menu")
	if err != nil {
		t.Fatalf("the item's menu: %v", err)
	}
	menuPath, _ := v.Value().(dbus.ObjectPath)
	menu := bus.Object(itemName, menuPath)
	if err := bus.AddMatchSignal(dbus.WithMatchSender(itemName), dbus.WithMatchInterface("com.canonical.dbusmenu")); err != nil {
		t.Fatal(err)
	}
	// (Its label's wording is the app's: whatever it is, it must be
	// on the screen; it names the demo account's provider.)
	waitBus(t, signals, "the tray menu listing the account", func() bool {
		for _, e := range topLevelEntries(t, menu) {
			if e.submenu {
				if !slices.Contains(ocrWords(e.label), "demo") {
					t.Fatalf("the account's entry does not name the demo account: %q", e.label)
				}
				return true
			}
		}
		return false
	})

	// The icon in the panel: the tray has room for it, and it is drawn;
	// and the panel has the menu (it shows its own menu instead, on a
	// right click, until it has loaded the app's).
	x.wait(t, "the app's icon drawn in the panel's tray", func() bool {
		r := plug.rect(t)
		return r.w > 1 && colours(t, x, r) >= 8
	})
	waitBus(t, menus.changed, "the panel loading the app's menu with the account", func() bool {
		return slices.ContainsFunc(menus.hostLayout(), func(e menuEntry) bool { return e.submenu })
	})
	r := plug.rect(t)
	opened := menus.openedCount()
	click := exec.Command("xdotool", "mousemove", fmt.Sprint(r.x+r.w/2), fmt.Sprint(r.y+r.h/2), "click", "3")
	if out, err := click.CombinedOutput(); err != nil {
		t.Fatalf("xdotool: %v\n%s", err, out)
	}
	var m rect
	x.wait(t, "the tray menu open on the screen", func() bool {
		var ok bool
		m, ok = x.openMenu(t)
		return ok
	})
	waitBus(t, menus.changed, "the panel telling the app its menu opened (is the open menu the panel's own?)", func() bool {
		return menus.openedCount() > opened
	})
	// The screenshot, once the menu is drawn (not blank, and two frames
	// apart alike), of the labels the D-Bus menu had both before and after
	// it (the state words change with time: taken again if they did).
	dir := a.dir
	shot := filepath.Join(dir, "tray-menu.png")
	var want []string
	for deadline := time.Now().Add(60 * time.Second); ; {
		before := labelsOf(topLevelEntries(t, menu))
		last := grab(t, x, m)
		for {
			time.Sleep(200 * time.Millisecond) // polling for a condition: two equal frames
			again := grab(t, x, m)
			if bytes.Equal(again, last) && colours(t, x, m) > 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the open menu never settled")
			}
			last = again
		}
		if out, err := exec.Command("import", "-window", "root", shot).CombinedOutput(); err != nil {
			t.Fatalf("import: %v\n%s", err, out)
		}
		if want = labelsOf(topLevelEntries(t, menu)); slices.Equal(want, before) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the tray menu kept changing: %q, then %q", before, want)
		}
	}
	if keep := os.Getenv("TOKENTRAY_SCREENSHOTS"); keep != "" {
		// For the README: the panel's corner with the open menu.
		if err := os.MkdirAll(keep, 0o755); err != nil {
			t.Fatal(err)
		}
		crop := fmt.Sprintf("%dx%d+0+0", m.x+m.w+24, m.y+m.h+24)
		if out, err := exec.Command("convert", shot, "-crop", crop, "+repage", filepath.Join(keep, "tray-menu.png")).CombinedOutput(); err != nil {
			t.Fatalf("convert: %v\n%s", err, out)
		}
	}
	// The menu alone, enlarged and grey, reads better.
	crop := filepath.Join(dir, "tray-menu-ocr.png")
	if out, err := exec.Command("convert", shot, "-crop", fmt.Sprintf("%dx%d+%d+%d", m.w, m.h, m.x, m.y), "+repage",
		"-colorspace", "Gray", "-resize", "300%", crop).CombinedOutput(); err != nil {
		t.Fatalf("convert: %v\n%s", err, out)
	}
	read := exec.Command("tesseract", crop, "stdout", "--psm", "6", "-l", "eng")
	read.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1") // its threads only spin on a busy machine
	ocr, err := read.Output()
	if err != nil {
		t.Fatalf("tesseract: %v", err)
	}
	t.Logf("the D-Bus menu: %q; read from the screen (%s, menu at %+v):\n%s", want, shot, m, ocr)
	var lines [][]string
	for _, l := range strings.Split(string(ocr), "\n") {
		if w := ocrWords(l); len(w) > 0 {
			lines = append(lines, w)
		}
	}
	for _, must := range []string{"Open Tokentray", "Quit"} {
		if !slices.Contains(want, must) {
			t.Errorf("the D-Bus menu has no %q entry: %q", must, want)
		}
	}
	for _, label := range want {
		if !rendered(lines, ocrWords(label)) {
			t.Errorf("the open menu does not show %q", label)
		}
	}
}

// requirePanel skips the test (or fails it, where the tools must be
// there) without a test session and the panel's tools, and returns the
// xfconf daemon.
func requirePanel(t *testing.T) string {
	t.Helper()
	storetest.RequireSession(t)
	for _, tool := range []struct{ cmd, what string }{
		{"import", "ImageMagick's import"}, {"convert", "ImageMagick's convert"},
		{"xfce4-panel", "xfce4-panel"}, {"xdotool", "xdotool"}, {"tesseract", "tesseract-ocr"},
	} {
		if _, err := exec.LookPath(tool.cmd); err != nil {
			storetest.Missing(t, tool.what, "make test-deps")
		}
	}
	xfconfd := findXfconfd()
	if xfconfd == "" {
		storetest.Missing(t, "xfconfd (package xfconf, which xfce4-panel depends on)", "make test-deps")
	}
	return xfconfd
}

// findXfconfd is the xfconf daemon, which Debian keeps out of PATH.
func findXfconfd() string {
	for _, pattern := range []string{"/usr/lib/*/xfce4/xfconf/xfconfd", "/usr/libexec/xfce4/xfconf/xfconfd", "/usr/lib/xfce4/xfconf/xfconfd"} {
		if m, _ := filepath.Glob(pattern); len(m) > 0 {
			return m[0]
		}
	}
	return ""
}

// panelXML is one panel along the top of the screen holding only the
// Status Tray plugin.
const panelXML = `<?xml version="1.0" encoding="UTF-8"?>
<channel name="xfce4-panel" version="1.0">
  <property name="configver" type="int" value="2"/>
  <property name="panels" type="array">
    <value type="int" value="1"/>
    <property name="panel-1" type="empty">
      <property name="position" type="string" value="p=6;x=0;y=0"/>
      <property name="length" type="uint" value="100"/>
      <property name="position-locked" type="bool" value="true"/>
      <property name="size" type="uint" value="32"/>
      <property name="plugin-ids" type="array">
        <value type="int" value="1"/>
      </property>
    </property>
  </property>
  <property name="plugins" type="empty">
    <property name="plugin-1" type="string" value="systray"/>
  </property>
</channel>
`

// startPanel starts xfconfd with a configuration of one panel holding the
// Status Tray, in dir, then xfce4-panel, and waits until the tray is the
// session's StatusNotifierWatcher. Both are stopped when the test ends,
// with whatever they started (the plugin's wrapper process).
func startPanel(t *testing.T, bus *dbus.Conn, signals chan *dbus.Signal, dir, xfconfd string) {
	t.Helper()
	for _, name := range []string{"org.xfce.Xfconf", "org.kde.StatusNotifierWatcher"} {
		if hasOwner(t, bus, name) {
			t.Fatalf("%s is already on the test session's bus: this test runs its own", name)
		}
	}
	config := filepath.Join(dir, "xdg-config")
	channels := filepath.Join(config, "xfce4", "xfconf", "xfce-perchannel-xml")
	if err := os.MkdirAll(channels, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(channels, "xfce4-panel.xml"), []byte(panelXML), 0o600); err != nil {
		t.Fatal(err)
	}
	// NO_AT_BRIDGE: GTK would have the bus start the accessibility bus,
	// which would outlive the test.
	env := append(os.Environ(), "XDG_CONFIG_HOME="+config, "NO_AT_BRIDGE=1")
	if err := bus.AddMatchSignal(dbus.WithMatchInterface("org.freedesktop.DBus"), dbus.WithMatchMember("NameOwnerChanged")); err != nil {
		t.Fatal(err)
	}
	start := func(name string, args ...string) {
		t.Helper()
		c := exec.Command(name, args...)
		c.Env = env
		c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		var out bytes.Buffer
		c.Stdout, c.Stderr = &out, &out
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { c.Wait(); close(done) }()
		t.Cleanup(func() {
			syscall.Kill(-c.Process.Pid, syscall.SIGKILL) // its process group
			<-done
			if t.Failed() {
				t.Logf("%s output:\n%s", filepath.Base(name), out.String())
			}
		})
	}
	start(xfconfd)
	waitBus(t, signals, "xfconfd on the bus", func() bool { return hasOwner(t, bus, "org.xfce.Xfconf") })
	// -d: no window manager to wait for.
	start("xfce4-panel", "--disable-wm-check", "--sm-client-disable")
	waitBus(t, signals, "the panel's tray as the StatusNotifierWatcher", func() bool {
		return hasOwner(t, bus, "org.kde.StatusNotifierWatcher")
	})
}

// hasOwner says whether name is owned on the bus.
func hasOwner(t *testing.T, bus *dbus.Conn, name string) bool {
	t.Helper()
	var has bool
	if err := bus.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&has); err != nil {
		t.Fatal(err)
	}
	return has
}

// waitBus waits until cond holds, looking again at each message on ch;
// the deadline is a failure, not a wait.
func waitBus[T any](t *testing.T, ch <-chan T, what string, cond func() bool) {
	t.Helper()
	guard := time.NewTimer(60 * time.Second)
	defer guard.Stop()
	defer logSlow(t, time.Now(), what)
	for !cond() {
		select {
		case <-ch:
		case <-guard.C:
			t.Fatalf("never saw %s (60 s)", what)
		}
	}
}

// menuMonitor follows, as a D-Bus monitor, the tray host's traffic with
// the app's menu: the layouts the host was sent, and its telling the app
// that it is showing the menu (com.canonical.dbusmenu's AboutToShow of the
// root, or AboutToShowGroup with it, which libdbusmenu sends as the menu
// maps).
type menuMonitor struct {
	changed chan struct{} // one pending signal stands for any number of messages
	mu      sync.Mutex
	host    string      // the host's unique name, once known
	layout  []menuEntry // the last layout the host was sent
	items   []menuItem  // the same, every top-level item, separators too
	props   map[int32]bool
	opened  int // the host's AboutToShow of the root
}

// watchMenus starts following the bus until the test ends.
func watchMenus(t *testing.T) *menuMonitor {
	t.Helper()
	conn, err := dbus.SessionBusPrivate()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := conn.Auth(nil); err != nil {
		t.Fatal(err)
	}
	if err := conn.Hello(); err != nil {
		t.Fatal(err)
	}
	rules := []string{"type='method_call',interface='com.canonical.dbusmenu'", "type='method_return'"}
	if err := conn.BusObject().Call("org.freedesktop.DBus.Monitoring.BecomeMonitor", 0, rules, uint32(0)).Err; err != nil {
		t.Fatalf("become a D-Bus monitor: %v", err)
	}
	msgs := make(chan *dbus.Message, 1024)
	conn.Eavesdrop(msgs)
	m := &menuMonitor{changed: make(chan struct{}, 1)}
	go func() {
		for msg := range msgs { // closed with the connection
			m.note(msg)
		}
	}()
	return m
}

func (m *menuMonitor) note(msg *dbus.Message) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.host == "" {
		return
	}
	to, _ := msg.Headers[dbus.FieldDestination].Value().(string)
	from, _ := msg.Headers[dbus.FieldSender].Value().(string)
	sig, _ := msg.Headers[dbus.FieldSignature].Value().(dbus.Signature)
	switch {
	case msg.Type == dbus.TypeMethodReply && to == m.host && sig.String() == "u(ia{sv}av)" && len(msg.Body) == 2:
		if root, ok := msg.Body[1].([]any); ok && len(root) == 3 {
			kids, _ := root[2].([]dbus.Variant)
			m.layout = entriesOf(kids)
			m.items = itemsOf(kids)
		}
	case msg.Type == dbus.TypeMethodReply && to == m.host && sig.String() == "a(ia{sv})" && len(msg.Body) == 1:
		// GetGroupProperties: libdbusmenu shows an item it was sent in a
		// layout only once it has its properties.
		items, _ := msg.Body[0].([][]any)
		if m.props == nil {
			m.props = map[int32]bool{}
		}
		for _, it := range items {
			if id, ok := it[0].(int32); ok {
				m.props[id] = true
			}
		}
	case msg.Type == dbus.TypeMethodCall && from == m.host && len(msg.Body) >= 1:
		member, _ := msg.Headers[dbus.FieldMember].Value().(string)
		switch body := msg.Body[0].(type) {
		case int32: // AboutToShow(id)
			if member == "AboutToShow" && body == 0 {
				m.opened++
			}
		case []int32: // AboutToShowGroup(ids)
			if member == "AboutToShowGroup" && slices.Contains(body, 0) {
				m.opened++
			}
		}
	default:
		return
	}
	select {
	case m.changed <- struct{}{}:
	default:
	}
}

// follow sets the host whose traffic counts.
func (m *menuMonitor) follow(host string) {
	m.mu.Lock()
	m.host = host
	m.mu.Unlock()
}

// hostLayout is the last layout the host was sent.
func (m *menuMonitor) hostLayout() []menuEntry {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.layout
}

// hostItems is the last layout the host was sent, every top-level item,
// and those of them it has not been sent the properties of (libdbusmenu
// does not show them).
func (m *menuMonitor) hostItems() (items []menuItem, unshown []menuItem) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, it := range m.items {
		if !m.props[it.id] {
			unshown = append(unshown, it)
		}
	}
	return m.items, unshown
}

// openedCount is how many times the host said it is showing the menu.
func (m *menuMonitor) openedCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.opened
}

// menuEntry is a top-level entry of a com.canonical.dbusmenu menu.
type menuEntry struct {
	label   string
	submenu bool
}

// topLevelEntries reads the menu's visible top-level entries, separators
// left out.
func topLevelEntries(t *testing.T, menu dbus.BusObject) []menuEntry {
	t.Helper()
	var rev uint32
	var layout menuNode
	if err := menu.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &layout); err != nil {
		t.Fatalf("GetLayout: %v", err)
	}
	return entriesOf(layout.Children)
}

// entriesOf is the visible entries among a dbusmenu layout's children,
// separators left out.
func entriesOf(children []dbus.Variant) []menuEntry {
	var entries []menuEntry
	for _, k := range children {
		v, ok := k.Value().([]any)
		if !ok || len(v) != 3 {
			continue
		}
		props, _ := v[1].(map[string]dbus.Variant)
		kind, _ := props["type"].Value().(string)
		label, _ := props["label"].Value().(string)
		if visible, ok := props["visible"].Value().(bool); (ok && !visible) || kind == "separator" || label == "" {
			continue
		}
		kids, _ := v[2].([]dbus.Variant)
		display, _ := props["children-display"].Value().(string)
		entries = append(entries, menuEntry{label: label, submenu: len(kids) > 0 || display == "submenu"})
	}
	return entries
}

// menuItem is a top-level item of a com.canonical.dbusmenu menu, a
// separator ("---") too.
type menuItem struct {
	id    int32
	label string
}

// itemsOf is the top-level items of a dbusmenu layout's children, visible
// or not, separators as "---".
func itemsOf(children []dbus.Variant) []menuItem {
	var items []menuItem
	for _, k := range children {
		v, ok := k.Value().([]any)
		if !ok || len(v) != 3 {
			continue
		}
		id, _ := v[0].(int32)
		props, _ := v[1].(map[string]dbus.Variant)
		label, _ := props["label"].Value().(string)
		if kind, _ := props["type"].Value().(string); kind == "separator" {
			label = "---"
		}
		items = append(items, menuItem{id, label})
	}
	return items
}

// appItems is the menu's top-level items as the app serves them now.
func appItems(t *testing.T, menu dbus.BusObject) []menuItem {
	t.Helper()
	var rev uint32
	var layout menuNode
	if err := menu.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &layout); err != nil {
		t.Fatalf("GetLayout: %v", err)
	}
	return itemsOf(layout.Children)
}

func labelsOf(entries []menuEntry) []string {
	var l []string
	for _, e := range entries {
		l = append(l, e.label)
	}
	return l
}

// words is s lower-cased, cut into letters and digits: what OCR reads
// reliably, without the punctuation ("·", "—", "…") it may misread.
func ocrWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// rendered says whether some OCR line has the label's words, in order
// (OCR may add a stray word for a misread mark).
func rendered(lines [][]string, label []string) bool {
	for _, line := range lines {
		i := 0
		for _, w := range line {
			if i < len(label) && w == label[i] {
				i++
			}
		}
		if i == len(label) {
			return true
		}
	}
	return false
}

// rect is a rectangle of the screen.
type rect struct{ x, y, w, h int }

// waitTray waits for the panel's Status Tray: the plugin's XEmbed plug,
// embedded in the panel, and follows its resizing and drawing.
func (x *xDisplay) waitTray(t *testing.T) *xWindow {
	t.Helper()
	embed := x.atom(t, "_XEMBED_INFO")
	var plug xproto.Window
	x.wait(t, "the panel's Status Tray", func() bool {
		var found []xproto.Window
		var walk func(w xproto.Window, top bool)
		walk = func(w xproto.Window, top bool) {
			tree, err := xproto.QueryTree(x.conn, w).Reply()
			if err != nil {
				return // gone meanwhile
			}
			for _, c := range tree.Children {
				if !top {
					if p, err := xproto.GetProperty(x.conn, false, c, embed, xproto.GetPropertyTypeAny, 0, 2).Reply(); err == nil && p.ValueLen > 0 {
						if a, err := xproto.GetWindowAttributes(x.conn, c).Reply(); err == nil && a.MapState == xproto.MapStateViewable {
							found = append(found, c)
						}
					}
				}
				walk(c, false)
			}
		}
		walk(x.root, true) // embedded: not a top-level window
		if len(found) > 1 {
			t.Fatalf("%d embedded windows, want the Status Tray's only", len(found))
		}
		if len(found) == 0 {
			return false
		}
		plug = found[0]
		return true
	})
	w := &xWindow{x, plug}
	if err := xproto.ChangeWindowAttributesChecked(x.conn, plug, xproto.CwEventMask,
		[]uint32{xproto.EventMaskStructureNotify}).Check(); err != nil {
		t.Fatal(err)
	}
	w.followDrawing(t)
	return w
}

// atom is the X atom named name.
func (x *xDisplay) atom(t *testing.T, name string) xproto.Atom {
	t.Helper()
	r, err := xproto.InternAtom(x.conn, false, uint16(len(name)), name).Reply()
	if err != nil {
		t.Fatal(err)
	}
	return r.Atom
}

// rect is where the window is on the screen.
func (w *xWindow) rect(t *testing.T) rect {
	t.Helper()
	g, err := xproto.GetGeometry(w.x.conn, xproto.Drawable(w.id)).Reply()
	if err != nil {
		t.Fatal(err)
	}
	at, err := xproto.TranslateCoordinates(w.x.conn, w.id, w.x.root, 0, 0).Reply()
	if err != nil {
		t.Fatal(err)
	}
	return rect{int(at.DstX), int(at.DstY), int(g.Width), int(g.Height)}
}

// openMenu finds the one open popup menu: a mapped top-level window typed
// as a menu.
func (x *xDisplay) openMenu(t *testing.T) (rect, bool) {
	t.Helper()
	typeAtom := x.atom(t, "_NET_WM_WINDOW_TYPE")
	menuTypes := map[xproto.Atom]bool{x.atom(t, "_NET_WM_WINDOW_TYPE_POPUP_MENU"): true, x.atom(t, "_NET_WM_WINDOW_TYPE_DROPDOWN_MENU"): true}
	tree, err := xproto.QueryTree(x.conn, x.root).Reply()
	if err != nil {
		t.Fatal(err)
	}
	var found []rect
	for _, c := range tree.Children {
		p, err := xproto.GetProperty(x.conn, false, c, typeAtom, xproto.AtomAtom, 0, 16).Reply()
		if err != nil || p.ValueLen == 0 {
			continue
		}
		isMenu := false
		for i := 0; i+4 <= len(p.Value); i += 4 {
			isMenu = isMenu || menuTypes[xproto.Atom(xgb.Get32(p.Value[i:]))]
		}
		if w := (&xWindow{x, c}); isMenu && w.mapped(t) {
			found = append(found, w.rect(t))
		}
	}
	if len(found) > 1 {
		t.Fatalf("%d menus open, want 1", len(found))
	}
	if len(found) == 0 {
		return rect{}, false
	}
	return found[0], true
}

// grab is the screen's pixels in r (32 bits a pixel).
func grab(t *testing.T, x *xDisplay, r rect) []byte {
	t.Helper()
	img, err := xproto.GetImage(x.conn, xproto.ImageFormatZPixmap, xproto.Drawable(x.root),
		int16(r.x), int16(r.y), uint16(r.w), uint16(r.h), 0xffffffff).Reply()
	if err != nil {
		t.Fatalf("read the screen: %v", err)
	}
	return img.Data
}

// colours counts the distinct colours on the screen in r.
func colours(t *testing.T, x *xDisplay, r rect) int {
	t.Helper()
	data := grab(t, x, r)
	seen := map[[3]byte]bool{}
	for i := 0; i+3 < len(data); i += 4 {
		seen[[3]byte{data[i], data[i+1], data[i+2]}] = true
	}
	return len(seen)
}

// TestTrayMenuInPanelAfterFirstConnect: the panel's menu after the first
// account connects while the app runs, not only after a fresh start. The
// app starts without accounts and the panel loads its menu ("No accounts
// connected"); then an account connects, and the app rebuilds its menu.
// The panel must end up with the app's whole menu, every item shown:
// the layout it holds is the app's, item for item, separators and Quit
// too, and it has had the properties of each (libdbusmenu shows an item
// only then); and the menu opened on the screen shows the account, Quit
// and both separators. (Fyne rebuilds the menu item by item, and the
// panel could keep a layout read halfway, without Quit: settleTrayMenu.)
func TestTrayMenuInPanelAfterFirstConnect(t *testing.T) {
	skipShort(t)
	d := startPanelDesktop(t)
	a, x, bus, signals, menus, plug := d.a, d.x, d.bus, d.signals, d.menus, d.plug

	a.start(t)
	win := x.waitWindow(t, "Tokentray")
	win.close(t)
	win.waitMapped(t, false, "the window hidden after closing it")
	waitBus(t, menus.changed, "the panel loading the menu of the app without accounts", func() bool {
		return slices.ContainsFunc(menus.hostLayout(), func(e menuEntry) bool { return e.label == "No accounts connected" })
	})
	menu := appMenuObject(t, bus, signals)

	// The first account connects while the app runs; a second launch
	// shows the window, reloaded now (not at the app's next tick).
	a.run(t, "connect", "demo", "--name", "Demo User")
	second := exec.Command(a.bin)
	second.Env = a.env
	if err := second.Run(); err != nil {
		t.Fatalf("second launch: %v", err)
	}
	win.waitMapped(t, true, "the window shown again by the second launch")
	win.close(t)
	win.waitMapped(t, false, "the window hidden after closing it again")

	var want, held, unshown []menuItem
	waitBus(t, menus.changed, "the panel holding the app's whole menu with the account, every item shown", func() bool {
		want = appItems(t, menu)
		held, unshown = menus.hostItems()
		hasAccount := slices.ContainsFunc(held, func(it menuItem) bool { return strings.Contains(it.label, "Demo User") })
		return hasAccount && slices.Equal(held, want) && len(unshown) == 0
	})
	if n := strings.Count(fmt.Sprint(want), "---"); n != 2 || want[len(want)-1].label != "Quit" {
		t.Fatalf("the app's menu: %v, want two separators and Quit last", want)
	}

	// The menu on the screen.
	r := plug.rect(t)
	click := exec.Command("xdotool", "mousemove", fmt.Sprint(r.x+r.w/2), fmt.Sprint(r.y+r.h/2), "click", "3")
	if out, err := click.CombinedOutput(); err != nil {
		t.Fatalf("xdotool: %v\n%s", err, out)
	}
	var m rect
	x.wait(t, "the tray menu open on the screen", func() bool {
		var ok bool
		m, ok = x.openMenu(t)
		return ok
	})
	last := grab(t, x, m)
	for deadline := time.Now().Add(30 * time.Second); ; {
		time.Sleep(200 * time.Millisecond) // polling for a condition: two equal frames
		again := grab(t, x, m)
		if bytes.Equal(again, last) && colours(t, x, m) > 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the open menu never settled")
		}
		last = again
	}
	shot := filepath.Join(a.dir, "tray-menu-after-connect.png")
	crop := filepath.Join(a.dir, "tray-menu-after-connect-ocr.png")
	if out, err := exec.Command("import", "-window", "root", "-crop", fmt.Sprintf("%dx%d+%d+%d", m.w, m.h, m.x, m.y), shot).CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if out, err := exec.Command("convert", shot, "+repage", "-colorspace", "Gray", "-resize", "300%", crop).CombinedOutput(); err != nil {
		t.Fatalf("convert: %v\n%s", err, out)
	}
	read := exec.Command("tesseract", crop, "stdout", "--psm", "6", "-l", "eng")
	read.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	ocr, err := read.Output()
	if err != nil {
		t.Fatalf("tesseract: %v", err)
	}
	var lines [][]string
	for _, l := range strings.Split(string(ocr), "\n") {
		if w := ocrWords(l); len(w) > 0 {
			lines = append(lines, w)
		}
	}
	seps := separatorLines(last, m.w, m.h)
	t.Logf("the D-Bus menu: %v; on the screen (%s): %d separators,\n%s", want, shot, seps, ocr)
	for _, it := range want {
		if it.label != "---" && !rendered(lines, ocrWords(it.label)) {
			t.Errorf("the open menu does not show %q", it.label)
		}
	}
	if seps != 2 {
		t.Errorf("the open menu shows %d separators, want 2", seps)
	}
}

// appMenuObject is the app's D-Bus menu: its tray item as the panel's
// watcher lists it, and the item's Menu.
func appMenuObject(t *testing.T, bus *dbus.Conn, signals chan *dbus.Signal) dbus.BusObject {
	t.Helper()
	if err := bus.AddMatchSignal(dbus.WithMatchInterface("org.kde.StatusNotifierWatcher")); err != nil {
		t.Fatal(err)
	}
	var name string
	path := dbus.ObjectPath("/StatusNotifierItem")
	waitBus(t, signals, "the tray item registered with the panel's watcher", func() bool {
		v, err := bus.Object("org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher").GetProperty("org.kde.StatusNotifierWatcher.RegisteredStatusNotifierItems")
		if err != nil {
			t.Fatalf("the watcher's items: %v", err)
		}
		items, _ := v.Value().([]string)
		if len(items) != 1 {
			return false
		}
		n, p, ok := strings.Cut(items[0], "/")
		if name = n; ok {
			path = dbus.ObjectPath("/" + p)
		}
		return true
	})
	v, err := bus.Object(name, path).GetProperty("org.kde.StatusNotifierItem.Menu")
	if err != nil {
		t.Fatalf("the item's menu: %v", err)
	}
	menuPath, _ := v.Value().(dbus.ObjectPath)
	return bus.Object(name, menuPath)
}

// separatorLines counts the separators drawn in a menu's pixels (w×h, 32
// bits a pixel, as grab reads them): runs of rows across nearly all the
// menu's width in one colour other than its background.
func separatorLines(data []byte, w, h int) int {
	pixel := func(x, y int) [3]byte {
		o := (y*w + x) * 4
		return [3]byte{data[o], data[o+1], data[o+2]}
	}
	count := map[[3]byte]int{}
	for y := range h {
		for x := range w {
			count[pixel(x, y)]++
		}
	}
	var bg [3]byte
	for c, n := range count {
		if n > count[bg] {
			bg = c
		}
	}
	lines, in := 0, false
	x0, x1 := w/10, w-w/10
	for y := 2; y < h-2; y++ {
		row := map[[3]byte]int{}
		for x := x0; x < x1; x++ {
			row[pixel(x, y)]++
		}
		line := false
		for c, n := range row {
			line = line || (c != bg && n*10 >= (x1-x0)*9)
		}
		if line && !in {
			lines++
		}
		in = line
	}
	return lines
}
