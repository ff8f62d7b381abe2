//go:build linux

package tray

import (
	"bytes"
	"image/png"
	"os/exec"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/system/title/titletest"
)

// TestWindowFollowsDesktopTheme: the desktop's light/dark choice, as GNOME
// and GTK desktops keep it (org.gnome.desktop.interface color-scheme, in
// dconf) and the real xdg-desktop-portal hands it to applications
// (org.freedesktop.appearance color-scheme). The app starts light when the
// desktop prefers light (Fyne draws dark until the portal has answered, so
// that shows the answer was read), and its open window turns dark when the
// user switches the desktop to dark.
func TestWindowFollowsDesktopTheme(t *testing.T) {
	skipShort(t)
	storetest.RequireSession(t)
	for _, tool := range []string{"import", "gsettings", "/usr/libexec/xdg-desktop-portal", "/usr/libexec/xdg-desktop-portal-gtk"} {
		if _, err := exec.LookPath(tool); err != nil {
			storetest.Missing(t, tool, "make test-deps")
		}
	}
	bus, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	t.Cleanup(func() { desktopPrefers(t, bus, "default", 0) }) // the session's other apps
	desktopPrefers(t, bus, "prefer-light", 2)

	titletest.StartXvfb(t)
	a := buildDemoApp(t)
	x := watchDisplay(t)
	a.start(t)
	win := x.waitWindow(t, "Tokentray")
	win.followDrawing(t)
	// A window not drawn yet is black: it counts once it shows the app
	// (many colours: words, icons, buttons).
	var b, colours int
	x.wait(t, "the window drawn light, as the desktop prefers", func() bool {
		b, colours = looks(t, windowShot(t, x, win, a.dir, "theme.png"))
		return colours > 50 && b > 50
	})
	t.Logf("desktop prefers light: the window's brightness is %d %% (%d colours)", b, colours)

	desktopPrefers(t, bus, "prefer-dark", 1)
	x.wait(t, "the window dark after the desktop was switched to dark", func() bool {
		b, colours = looks(t, windowShot(t, x, win, a.dir, "theme.png"))
		return colours > 50 && b < 50
	})
	t.Logf("desktop switched to dark: the window's brightness is %d %% (%d colours)", b, colours)
}

// desktopPrefers sets the desktop's colour scheme as its settings panel
// does and waits until the portal hands out the new value (its code: 0 no
// preference, 1 dark, 2 light).
func desktopPrefers(t *testing.T, bus *dbus.Conn, scheme string, code uint32) {
	t.Helper()
	if out, err := exec.Command("gsettings", "set", "org.gnome.desktop.interface", "color-scheme", scheme).CombinedOutput(); err != nil {
		t.Fatalf("gsettings set color-scheme %s: %v\n%s", scheme, err, out)
	}
	portal := bus.Object("org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop")
	var got dbus.Variant
	for guard := time.Now().Add(30 * time.Second); ; {
		err := portal.Call("org.freedesktop.portal.Settings.Read", 0, "org.freedesktop.appearance", "color-scheme").Store(&got)
		if err == nil {
			// Read wraps the value in one more variant.
			if inner, ok := got.Value().(dbus.Variant); ok {
				got = inner
			}
			if v, ok := got.Value().(uint32); ok && v == code {
				return
			}
		}
		if time.Now().After(guard) {
			t.Fatalf("the desktop portal never said color-scheme %d after gsettings set %s: %v, %v", code, scheme, got, err)
		}
		time.Sleep(100 * time.Millisecond) // polling a value another process holds
	}
}

// looks is a PNG's mean luminance, 0 (black) to 100 (white), and how many
// colours it has.
func looks(t *testing.T, data []byte) (brightness, colours int) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var sum, n uint64
	seen := map[[3]uint32]bool{}
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r, g, b}] = true
			sum += (299*uint64(r) + 587*uint64(g) + 114*uint64(b)) / 1000
			n++
		}
	}
	if n == 0 {
		t.Fatal("an empty screenshot")
	}
	return int(sum * 100 / (n * 0xffff)), len(seen)
}
