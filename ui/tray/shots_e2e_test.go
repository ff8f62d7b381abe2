//go:build linux

package tray

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/jezek/xgb/xproto"

	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/system/title/titletest"
)

// TestWindowScreenshots runs the demo app in a real window under Xvfb with
// three accounts in three states, with the desktop set to light and to
// dark (as its settings panel sets it, handed out by the real
// xdg-desktop-portal), in French and at 200 %, and takes the README's
// screenshots of it (kept in $TOKENTRAY_SCREENSHOTS when set:
// window-light.png, window-dark.png, window-fr.png, window-200.png,
// connect-dialog.png). In the light run it also connects a
// fourth account with the keyboard alone, as xdotool types it: Tab to
// Connect an account…, Enter, the provider chosen with the arrow keys,
// a name typed, Enter; the account must then be connected under that name.
//
// The accounts are connected for real through the demo provider; the
// failing and the reconnect states are then written into their metadata as
// the keeper records them (a refresh that cannot reach Clio, a refresh
// token the provider ended), which is what the window shows.
func TestWindowScreenshots(t *testing.T) {
	skipShort(t)
	storetest.RequireSession(t)
	for _, tool := range []string{"import", "xdotool", "gsettings", "/usr/libexec/xdg-desktop-portal", "/usr/libexec/xdg-desktop-portal-gtk"} {
		if _, err := exec.LookPath(tool); err != nil {
			storetest.Missing(t, tool, "make test-deps")
		}
	}
	// Light or dark is the desktop's choice, handed out by its portal.
	bus, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	t.Cleanup(func() { desktopPrefers(t, bus, "default", 0) })
	for _, run := range []struct {
		name, theme, lang, shot string
		scale                   int
		keyboard                bool
		failing, reconnect      string // the menu's state words
	}{
		{"light", "light", "C.UTF-8", "window-light.png", 1, true, "Can't renew", "Reconnect needed"},
		{"dark", "dark", "C.UTF-8", "window-dark.png", 1, false, "Can't renew", "Reconnect needed"},
		{"french", "light", "fr_FR.UTF-8", "window-fr.png", 1, false, "Renouvellement impossible", "Reconnexion nécessaire"},
		{"200%", "light", "C.UTF-8", "window-200.png", 2, false, "Can't renew", "Reconnect needed"},
	} {
		t.Run(run.name, func(t *testing.T) {
			titletest.StartXvfbSize(t, "1400x1300")
			a := buildDemoApp(t)
			for i, kv := range a.env {
				if strings.HasPrefix(kv, "LANG=") {
					a.env[i] = "LANG=" + run.lang
				}
			}
			a.env = append(a.env, fmt.Sprintf("FYNE_SCALE=%d", run.scale))
			if run.theme == "dark" {
				desktopPrefers(t, bus, "prefer-dark", 1)
			} else {
				desktopPrefers(t, bus, "prefer-light", 2)
			}
			host := startTrayHost(t)
			x := watchDisplay(t)
			a.start(t)
			win := x.waitWindow(t, "Tokentray")
			win.followDrawing(t)

			for _, name := range []string{"Demo User", "Firm", "Assistant"} {
				a.run(t, "connect", "demo", "--name", name)
			}
			st, err := store.Open(store.Options{Dir: filepath.Join(a.dir, "config"), Service: storetest.PackageService()})
			if err != nil {
				t.Fatal(err)
			}
			accts, err := st.Accounts()
			if err != nil {
				t.Fatal(err)
			}
			err = st.Update(context.Background(), func(tx *store.Tx) error {
				for _, acct := range accts {
					switch acct.Name {
					case "Firm": // a Clio account whose renewal cannot get through
						acct.Provider, acct.Status = "clio-eu", "failing"
						acct.LastError = "Clio (Europe) could not be reached."
					case "Assistant": // its refresh token was ended by the provider
						acct.Status, acct.LastError = "reconnect", "The provider ended this sign-in."
					default:
						continue
					}
					if err := tx.PutAccount(acct); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// A second launch brings the window up and reloads at once.
			second := exec.Command(a.bin)
			second.Env = a.env
			if out, err := second.CombinedOutput(); err != nil {
				t.Fatalf("second launch: %v\n%s", err, out)
			}
			labels := waitMenu(t, host, func(labels []string) bool {
				return hasLabel(labels, "Firm · Clio · Europe — "+run.failing) &&
					hasLabel(labels, "Assistant · ", " — "+run.reconnect) && hasLabel(labels, "Demo User · Demo provider")
			})
			t.Logf("tray menu: %q", labels)
			shot := settledShot(t, x, win, a.dir, run.shot)
			if b, _ := looks(t, shot); (run.theme == "dark") != (b < 50) {
				t.Errorf("the desktop prefers %s and the window's brightness is %d %%", run.theme, b)
			}
			keepShot(t, run.shot, shot)
			if run.scale != 1 {
				// At 200 % everything is twice as large: the whole window
				// (the English one fits its first size), its words included.
				geo, err := xproto.GetGeometry(x.conn, xproto.Drawable(win.id)).Reply()
				if err != nil {
					t.Fatal(err)
				}
				if w, h := float32(geo.Width)/float32(run.scale), float32(geo.Height)/float32(run.scale); w != defaultWindow.Width || h != defaultWindow.Height {
					t.Errorf("at %d00 %%, the window is %dx%d pixels: %vx%v at 100 %%, want %v", run.scale, geo.Width, geo.Height, w, h, defaultWindow)
				}
			}

			if !run.keyboard {
				return
			}
			gatewayShot(t, a, x, win, shot)
			keyboardConnect(t, a, x, win)
		})
	}
}

// gatewayShot turns the local gateway on from the command line, as a
// user's script may while the app runs, and takes the window once it shows
// the gateway's line (gateway.png); the gateway must then answer at the
// address the command line gives.
func gatewayShot(t *testing.T, a *demoApp, x *xDisplay, win *xWindow, before []byte) {
	t.Helper()
	a.run(t, "gateway", "on")
	x.wait(t, "the gateway's line in the window", func() bool {
		return !samePixels(t, windowShot(t, x, win, a.dir, "gateway.png"), before)
	})
	shot := settledShot(t, x, win, a.dir, "gateway.png")
	var st struct {
		Serving bool   `json:"serving"`
		Address string `json:"address"`
	}
	if err := json.Unmarshal([]byte(a.run(t, "gateway", "status", "--json")), &st); err != nil || !st.Serving {
		t.Errorf("the window changed, but the gateway does not answer at %s (%v)", st.Address, err)
	}
	keepShot(t, "gateway.png", shot)
}

// keyboardConnect connects an account with the keyboard alone, as a user
// who does not use the mouse would: the window focused, Tab to "Connect
// an account…", Enter; in the dialog (the focus starts in the name field)
// a name typed, Shift+Tab to the provider, Right four times to the demo
// provider (the choices are sorted: Anthropic, ClientCasa, Clio, Demo),
// Enter. The stand-in browser approves on the consent page.
func keyboardConnect(t *testing.T, a *demoApp, x *xDisplay, win *xWindow) {
	t.Helper()
	xdo := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("xdotool", args...).CombinedOutput(); err != nil {
			t.Fatalf("xdotool %v: %v\n%s", args, err, out)
		}
	}
	before := settledShot(t, x, win, a.dir, "before-keys.png")
	xdo("windowfocus", "--sync", fmt.Sprint(win.id))
	xdo("key", "--delay", "100", "Tab", "Return")
	x.wait(t, "the connect dialog", func() bool {
		return !samePixels(t, windowShot(t, x, win, a.dir, "dialog.png"), before)
	})
	xdo("type", "--delay", "50", "By keyboard")
	xdo("key", "--delay", "100", "shift+Tab", "Right", "Right", "Right", "Right")
	keepShot(t, "connect-dialog.png", settledShot(t, x, win, a.dir, "connect-dialog.png"))
	xdo("key", "Return")
	acct := waitAccount(t, a, x, "the account connected by the keyboard", func(acct map[string]any) bool { return acct["name"] == "By keyboard" })
	if acct["state"] != "ok" {
		t.Fatalf("the account connected by keyboard: %v", acct)
	}
}

// waitAccount waits until the command line lists an account that match
// picks (the window connects it), and returns it as list --json shows it.
func waitAccount(t *testing.T, a *demoApp, x *xDisplay, what string, match func(map[string]any) bool) map[string]any {
	t.Helper()
	guard := time.After(60 * time.Second)
	for {
		var accounts []map[string]any
		json.Unmarshal([]byte(a.run(t, "list", "--json")), &accounts)
		for _, acct := range accounts {
			if match(acct) {
				return acct
			}
		}
		select {
		case <-x.events: // the dialog moving on is drawn
		case <-time.After(time.Second): // or the command line sees it first
		case <-guard:
			t.Fatalf("never saw %s (60 s): %v", what, accounts)
		}
	}
}

// TestWindowComesBackWhereItWas: the window, moved, resized and closed,
// opens at the same place and size when the app starts again — with no
// window manager, and under openbox, which frames the window (so that the
// place does not creep by the frame's size at each start).
func TestWindowComesBackWhereItWas(t *testing.T) {
	skipShort(t)
	storetest.RequireSession(t)
	if _, err := exec.LookPath("xdotool"); err != nil {
		storetest.Missing(t, "xdotool", "make test-deps")
	}
	for _, wm := range []bool{false, true} {
		name := "no window manager"
		if wm {
			name = "openbox"
		}
		t.Run(name, func(t *testing.T) { windowComesBack(t, wm) })
	}
}

func windowComesBack(t *testing.T, wm bool) {
	titletest.StartXvfb(t)
	a := buildDemoApp(t)
	x := watchDisplay(t)
	if wm {
		titletest.StartOpenbox(t)
	}
	xdo := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("xdotool", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("xdotool %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	// The app's window: under a window manager it is not a top-level
	// window any more (the frame is), so it is looked up by its name.
	find := func() *xWindow {
		t.Helper()
		var w *xWindow
		x.wait(t, "the window named Tokentray", func() bool {
			out, err := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^Tokentray$").Output()
			ids := strings.Fields(string(out))
			if err != nil || len(ids) != 1 {
				return false
			}
			var id uint32
			fmt.Sscan(ids[0], &id)
			w = &xWindow{x, xproto.Window(id)}
			return true
		})
		return w
	}
	where := func(w *xWindow) (int, int) {
		at, err := xproto.TranslateCoordinates(x.conn, w.id, x.root, 0, 0).Reply()
		if err != nil {
			t.Fatal(err)
		}
		return int(at.DstX), int(at.DstY)
	}
	exited := a.start(t)
	win := find()
	win.followDrawing(t)
	// The user moves the window once it is up: drawn, and done changing
	// (the app sets its first size as it starts).
	settledShot(t, x, win, a.dir, "first.png")
	xdo("windowsize", "--sync", fmt.Sprint(win.id), "760", "620")
	xdo("windowmove", "--sync", fmt.Sprint(win.id), "210", "140")
	var wantX, wantY int
	x.wait(t, "the window moved", func() bool {
		wantX, wantY = where(win)
		return wantX >= 210 && wantY >= 140 && wantX < 260 && wantY < 200 // the client, inside any frame
	})
	// The app has taken the new size in once it has drawn it: the corner
	// the resize added is black until then. (Closed before, the window
	// would keep the size the app knew.)
	x.wait(t, "the window drawn at 760x620", func() bool {
		img, err := png.Decode(bytes.NewReader(windowShot(t, x, win, a.dir, "resized.png")))
		if err != nil || img.Bounds().Dx() != 760 || img.Bounds().Dy() != 620 {
			return false
		}
		r, g, b, _ := img.At(755, 615).RGBA()
		return r|g|b != 0
	})
	win.close(t)
	win.waitMapped(t, false, "the window hidden after closing it")
	settings := filepath.Join(a.dir, "config", "accounts.json")
	for guard := time.Now().Add(30 * time.Second); ; {
		data, _ := os.ReadFile(settings)
		if regexp.MustCompile(`"placed":\s*true`).Match(data) {
			break
		}
		if time.Now().After(guard) {
			t.Fatalf("the window's place was never saved:\n%s", data)
		}
		time.Sleep(100 * time.Millisecond) // polling a file another process writes
	}
	a.proc.Kill()
	<-exited
	a.start(t)
	again := find()
	var gotX, gotY int
	x.wait(t, "the window back where it was", func() bool {
		gotX, gotY = where(again)
		return gotX == wantX && gotY == wantY
	})
	geo, err := xproto.GetGeometry(x.conn, xproto.Drawable(again.id)).Reply()
	if err != nil {
		t.Fatal(err)
	}
	if geo.Width != 760 || geo.Height != 620 {
		t.Errorf("the window opens at %dx%d, want 760x620 as it was closed", geo.Width, geo.Height)
	}
}

// waitMenu waits for the app's tray menu (as its host reads it over D-Bus)
// to satisfy cond, and returns its labels.
func waitMenu(t *testing.T, host *trayHost, cond func([]string) bool) []string {
	t.Helper()
	var item string
	select {
	case item = <-host.items:
	case <-time.After(30 * time.Second):
		t.Fatal("the tray item never registered with the host")
	}
	menu := host.conn.Object(item, "/StatusNotifierItem/menu")
	changed := make(chan *dbus.Signal, 16)
	host.conn.Signal(changed)
	defer host.conn.RemoveSignal(changed)
	if err := host.conn.AddMatchSignal(dbus.WithMatchSender(item), dbus.WithMatchInterface("com.canonical.dbusmenu")); err != nil {
		t.Fatal(err)
	}
	guard := time.After(60 * time.Second)
	for {
		var rev uint32
		var layout menuNode
		if err := menu.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &layout); err != nil {
			t.Fatalf("GetLayout: %v", err)
		}
		var labels []string
		layout.walk(func(_ int32, label string, parents []string) {
			if len(parents) == 0 {
				labels = append(labels, label)
			}
		})
		if cond(labels) {
			return labels
		}
		select {
		case <-changed:
		case <-guard:
			t.Fatalf("the tray menu never showed the accounts' states: %q", labels)
		}
	}
}

// hasLabel says whether a label starts with prefix and, if given, ends
// with suffix.
func hasLabel(labels []string, prefix string, suffix ...string) bool {
	return slices.ContainsFunc(labels, func(l string) bool {
		return strings.HasPrefix(l, prefix) && (len(suffix) == 0 || strings.HasSuffix(l, suffix[0]))
	})
}

// windowShot is a screenshot of the window, at its size.
func windowShot(t *testing.T, x *xDisplay, win *xWindow, dir, name string) []byte {
	t.Helper()
	geo, err := xproto.GetGeometry(x.conn, xproto.Drawable(win.id)).Reply()
	if err != nil {
		t.Fatal(err)
	}
	at, err := xproto.TranslateCoordinates(x.conn, win.id, x.root, 0, 0).Reply()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	crop := fmt.Sprintf("%dx%d+%d+%d", geo.Width, geo.Height, at.DstX, at.DstY)
	if out, err := exec.Command("import", "-window", "root", "-crop", crop, "+repage", path).CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// settledShot takes a screenshot of the window once it has stopped
// changing: two equal frames a moment apart, after the last drawing.
func settledShot(t *testing.T, x *xDisplay, win *xWindow, dir, name string) []byte {
	t.Helper()
	shot := windowShot(t, x, win, dir, name)
	for deadline := time.Now().Add(30 * time.Second); ; {
		time.Sleep(300 * time.Millisecond) // polling for a condition: two equal frames
		again := windowShot(t, x, win, dir, name)
		if samePixels(t, again, shot) {
			return again
		}
		if time.Now().After(deadline) {
			t.Fatal("the window never settled")
		}
		shot = again
	}
}

// keepShot saves a screenshot for the README in $TOKENTRAY_SCREENSHOTS.
func keepShot(t *testing.T, name string, png []byte) {
	t.Helper()
	dir := os.Getenv("TOKENTRAY_SCREENSHOTS")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
