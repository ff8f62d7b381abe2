//go:build linux

package tray

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"

	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/auth/title/titletest"
	"github.com/tokentray/tokentray/store/storetest"
)

// TestMain lets the test binary play the user's browser (a headless
// visitor) for the app under test.
func TestMain(m *testing.M) {
	authtest.ActAsBrowser()
	os.Exit(m.Run())
}

// TestDemoAppEndToEnd starts the built app (demo build, installed as
// tokentray-app beside the tokentray command, which starts it, as a user's
// menu entry does) in a real window and tray under a private Xvfb, on the
// test session's D-Bus and keyring, with LANG=C.UTF-8 (no translation,
// and no complaint about it either); connects the demo account through the
// loopback with a headless browser; checks the account from the app's store
// (the command line); that a second launch only shows the first one's
// window; and takes a screenshot. Set TOKENTRAY_SCREENSHOT to keep it.
func TestDemoAppEndToEnd(t *testing.T) {
	storetest.RequireSession(t)
	if _, err := exec.LookPath("import"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ImageMagick's import is missing: run make test")
		}
		t.Skip("needs ImageMagick: run make test")
	}
	titletest.StartXvfb(t)
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
	env = append(env, "LANG=C.UTF-8", "TOKENTRAY_CONFIG_DIR="+filepath.Join(dir, "config"), "TOKENTRAY_BROWSER="+browser)
	run := func(args ...string) string {
		t.Helper()
		c := exec.Command(bin, args...)
		c.Env = env
		var out, errOut bytes.Buffer
		c.Stdout, c.Stderr = &out, &errOut
		if err := c.Run(); err != nil {
			t.Fatalf("tokentray %v: %v\n%s", args, err, errOut.String())
		}
		return out.String()
	}

	host := startTrayHost(t)
	app := exec.Command(bin)
	app.Env = env
	var appLog bytes.Buffer
	app.Stdout, app.Stderr = &appLog, &appLog
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- app.Wait() }()
	defer func() {
		app.Process.Kill()
		<-exited
		if strings.Contains(appLog.String(), "locale") {
			t.Errorf("the app complained about the locale:\n%s", appLog.String())
		}
		if t.Failed() {
			t.Logf("app output:\n%s", appLog.String())
		}
	}()

	// Condition wait: the app registers its demo provider once started.
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(run("provider", "list"), "Demo provider") {
		if time.Now().After(deadline) {
			t.Fatal("the demo provider never appeared")
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The empty window, once it stopped changing (drawn, and settled).
	empty := screenshot(t, dir, "empty.png")
	for deadline := time.Now().Add(30 * time.Second); ; {
		time.Sleep(300 * time.Millisecond) // polling for a condition: two equal frames
		again := screenshot(t, dir, "empty.png")
		if samePixels(t, again, empty) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the window never settled")
		}
		empty = again
	}

	run("connect", "demo", "--name", "Demo User")
	var accounts []map[string]any
	json.Unmarshal([]byte(run("list", "--json")), &accounts)
	if len(accounts) != 1 || accounts[0]["name"] != "Demo User" || accounts[0]["state"] != "ok" {
		t.Fatalf("accounts: %v", accounts)
	}

	// A second launch shows the first instance's window (which reloads)
	// and exits at once.
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

	// Condition wait: the window changes once it shows the account.
	var shot []byte
	for deadline := time.Now().Add(30 * time.Second); ; {
		shot = screenshot(t, dir, "account.png")
		if !samePixels(t, shot, empty) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the window never changed after connecting")
		}
		time.Sleep(200 * time.Millisecond)
	}
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
	var copyID int32 = -1
	var labels []string
	for deadline := time.Now().Add(30 * time.Second); copyID < 0; {
		var rev uint32
		var layout menuNode
		if err := menu.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &layout); err != nil {
			t.Fatalf("GetLayout: %v", err)
		}
		labels = labels[:0]
		layout.walk(func(id int32, label string, parents []string) {
			labels = append(labels, label)
			if label == "Copy token" && len(parents) > 0 && strings.HasPrefix(parents[len(parents)-1], "Demo User — Demo provider") && strings.Contains(parents[len(parents)-1], " · OK") {
				copyID = id
			}
		})
		if copyID < 0 {
			if time.Now().After(deadline) {
				t.Fatalf("the tray menu never listed the account: %q", labels)
			}
			time.Sleep(200 * time.Millisecond) // polling for a condition
		}
	}
	if err := menu.Call("com.canonical.dbusmenu.Event", 0, copyID, "clicked", dbus.MakeVariant(""), uint32(0)).Err; err != nil {
		t.Fatalf("activate Copy token: %v", err)
	}
	want := strings.TrimSpace(run("token", "Demo User", "--min-valid", "10s"))
	storetest.Secret(t, want)
	var got string
	for deadline := time.Now().Add(30 * time.Second); got != want; {
		out, _ := exec.Command("xclip", "-o", "-selection", "clipboard").Output()
		if got = string(out); got == want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the clipboard holds %d bytes, not the account's token", len(got))
		}
		time.Sleep(100 * time.Millisecond) // polling for a condition
	}
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

// screenshot grabs the window's corner of the screen as PNG bytes.
func screenshot(t *testing.T, dir, name string) []byte {
	t.Helper()
	path := filepath.Join(dir, name)
	if out, err := exec.Command("import", "-window", "root", "-crop", "560x440+0+0", "+repage", path).CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// samePixels compares two PNGs by their pixels (the files carry times).
func samePixels(t *testing.T, a, b []byte) bool {
	t.Helper()
	ia, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	ib, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if ia.Bounds() != ib.Bounds() {
		return false
	}
	for y := ia.Bounds().Min.Y; y < ia.Bounds().Max.Y; y++ {
		for x := ia.Bounds().Min.X; x < ia.Bounds().Max.X; x++ {
			if ia.At(x, y) != ib.At(x, y) {
				return false
			}
		}
	}
	return true
}
