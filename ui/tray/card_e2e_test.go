//go:build linux

package tray

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/jezek/xgb/xproto"

	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/accounts"
	"github.com/tokentray/tokentray/ui/system/title/titletest"
)

// The first minutes in the real window (the demo app under Xvfb, driven
// with xdotool, read from screenshots): the keyboard's focus seen on a
// blue button, Copy token staying put while it counts down, and the
// Reconnect… button of a card that needs it.

// xdoE2E runs xdotool.
func xdoE2E(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("xdotool", args...).CombinedOutput(); err != nil {
		t.Fatalf("xdotool %v: %v\n%s", args, err, out)
	}
}

// decodeShot is a screenshot as an image.
func decodeShot(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// blueButtons are the regions of the window drawn in Fyne's blue (the
// primary colour, the main buttons' background), top to bottom: each
// connected area of at least 1000 pixels, as its bounding box.
func blueButtons(img image.Image) []image.Rectangle {
	b := img.Bounds()
	blue := func(x, y int) bool {
		c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
		near := func(v, want uint8) bool { return int(v) >= int(want)-24 && int(v) <= int(want)+24 }
		return near(c.R, 0x29) && near(c.G, 0x6f) && near(c.B, 0xf6)
	}
	seen := map[image.Point]bool{}
	var out []image.Rectangle
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			p := image.Pt(x, y)
			if seen[p] || !blue(x, y) {
				continue
			}
			// Flood fill (the words and icon on the button are holes).
			box, n := image.Rectangle{p, p.Add(image.Pt(1, 1))}, 0
			stack := []image.Point{p}
			seen[p] = true
			for len(stack) > 0 {
				q := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				n++
				box = box.Union(image.Rectangle{q, q.Add(image.Pt(1, 1))})
				for _, d := range []image.Point{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
					r := q.Add(d)
					if r.In(b) && !seen[r] && blue(r.X, r.Y) {
						seen[r] = true
						stack = append(stack, r)
					}
				}
			}
			if n >= 1000 {
				out = append(out, box)
			}
		}
	}
	return out
}

// crop is the part r of img.
func crop(img image.Image, r image.Rectangle) image.Image {
	out := image.NewNRGBA(image.Rectangle{Max: r.Size()})
	draw.Draw(out, out.Bounds(), img, r.Min, draw.Src)
	return out
}

// sameIn says whether two pictures have the same pixels in r.
func sameIn(a, b image.Image, r image.Rectangle) bool {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if color.NRGBAModel.Convert(a.At(x, y)) != color.NRGBAModel.Convert(b.At(x, y)) {
				return false
			}
		}
	}
	return true
}

// startE2E starts the demo app in a window of its own display, with env
// added, and returns it once drawn.
func startE2E(t *testing.T, before func(a *demoApp), env ...string) (*demoApp, *xDisplay, *xWindow) {
	t.Helper()
	storetest.RequireSession(t)
	for _, tool := range []string{"import", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			storetest.Missing(t, tool, "make test-deps")
		}
	}
	titletest.StartXvfb(t)
	a := buildDemoApp(t)
	a.env = append(a.env, env...)
	if before != nil {
		before(a)
	}
	x := watchDisplay(t)
	a.start(t)
	win := x.waitWindow(t, "Tokentray")
	win.followDrawing(t)
	return a, x, win
}

// TestCardE2EFocusRingOnBlueButton: in the real window, light and dark,
// Tab's focus on the blue "Connect an account…" button is seen: the pixels
// it changes by at least 3:1 make a ring round the button, at least 2
// pixels thick, that contrasts by at least 3:1 with the button and with
// what is around it.
func TestCardE2EFocusRingOnBlueButton(t *testing.T) {
	skipShort(t)
	storetest.RequireSession(t)
	for _, tool := range []string{"gsettings", "/usr/libexec/xdg-desktop-portal", "/usr/libexec/xdg-desktop-portal-gtk"} {
		if _, err := exec.LookPath(tool); err != nil {
			storetest.Missing(t, tool, "make test-deps")
		}
	}
	// Light or dark is the desktop's choice, handed out by its portal
	// (which Fyne follows rather than FYNE_THEME).
	bus, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	t.Cleanup(func() { desktopPrefers(t, bus, "default", 0) })
	for _, variant := range []string{"light", "dark"} {
		t.Run(variant, func(t *testing.T) {
			if variant == "dark" {
				desktopPrefers(t, bus, "prefer-dark", 1)
			} else {
				desktopPrefers(t, bus, "prefer-light", 2)
			}
			a, x, win := startE2E(t, nil)
			var before []byte
			x.wait(t, "the window drawn "+variant, func() bool {
				before = settledShot(t, x, win, a.dir, "unfocused.png")
				b, colours := looks(t, before)
				return colours > 50 && (b < 50) == (variant == "dark")
			})
			img := decodeShot(t, before)
			blues := blueButtons(img)
			if len(blues) == 0 {
				t.Fatal("no blue button in the window")
			}
			button := blues[0] // the bar's Connect an account…, at the top
			xdoE2E(t, "windowfocus", "--sync", fmt.Sprint(win.id))
			xdoE2E(t, "key", "Tab")
			x.wait(t, "the focus drawn", func() bool {
				return !samePixels(t, windowShot(t, x, win, a.dir, "focused.png"), before)
			})
			after := decodeShot(t, settledShot(t, x, win, a.dir, "focused.png"))
			around := button.Inset(-6).Intersect(img.Bounds())
			m := measureFocus(crop(img, around), crop(after, around))
			t.Logf("%s: the blue button %v; focusing changed %d pixels, %d of them by ≥ 3:1, in %v; the indicator %v: "+
				"%.2f:1 with those pixels unfocused, %.2f:1 with the button, %.2f:1 with its surroundings",
				variant, button, m.changed, m.strong, m.box.Add(around.Min), m.ring, m.againstBefore, m.againstInside, m.againstOutside)
			if m.againstBefore < 3 || m.againstInside < 3 || m.againstOutside < 3 {
				t.Errorf("%s: the focus indicator %v contrasts %.2f:1 with the unfocused pixels, %.2f:1 with the button, %.2f:1 with its surroundings; want ≥ 3:1",
					variant, m.ring, m.againstBefore, m.againstInside, m.againstOutside)
			}
			// Round the whole button, 2 pixels thick (less the corners).
			if box := m.box.Add(around.Min); box.Dx() < button.Dx()-2 || box.Dy() < button.Dy()-2 {
				t.Errorf("%s: the indicator spans %v, the button %v", variant, box, button)
			}
			if min := int(1.8 * float64(2*(button.Dx()+button.Dy()))); m.strong < min {
				t.Errorf("%s: %d pixels changed by ≥ 3:1, want a ring at least 2 pixels thick round the %v button (≥ %d)", variant, m.strong, button.Size(), min)
			}
			keepShot(t, "focus-"+variant+".png", windowShot(t, x, win, a.dir, "focused.png"))
		})
	}
}

// TestCardE2ECopyTokenStays: from the ⋮ menu (which opens under ⋮), the
// header copied, the card counts down "Header copied · clears in 11 s"
// (wider than the buttons) to one digit; then, Copy token clicked,
// "Copied · clears in 11 s" to one digit: the blue Copy token button and
// the row it is on (with ⋮) do not change a pixel meanwhile.
func TestCardE2ECopyTokenStays(t *testing.T) {
	skipShort(t)
	a, x, win := startE2E(t, func(a *demoApp) {
		// The clipboard cleared after 11 s: the countdown gets to one
		// digit in 2 s.
		app, err := accounts.Open(accounts.Options{Dir: filepath.Join(a.dir, "config"), Service: storetest.PackageService()})
		if err != nil {
			t.Fatal(err)
		}
		defer app.Close()
		s, _ := app.Settings()
		s.ClearClipboardSeconds = 11
		if err := app.SaveSettings(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	})
	empty := settledShot(t, x, win, a.dir, "empty.png")
	a.run(t, "connect", "demo", "--name", "Work")
	x.wait(t, "the card", func() bool {
		return !samePixels(t, windowShot(t, x, win, a.dir, "card.png"), empty)
	})
	geo, err := xproto.GetGeometry(x.conn, xproto.Drawable(win.id)).Reply()
	if err != nil {
		t.Fatal(err)
	}
	at := func(p image.Point) {
		xdoE2E(t, "mousemove", "--window", fmt.Sprint(win.id), fmt.Sprint(p.X), fmt.Sprint(p.Y))
	}
	away := func() { at(image.Pt(40, int(geo.Height)-30)) } // on the recent events, at the bottom
	middle := func(r image.Rectangle) image.Point { return r.Min.Add(r.Max).Div(2) }
	away()
	var img image.Image
	var button image.Rectangle
	x.wait(t, "the card's Copy token", func() bool {
		img = decodeShot(t, settledShot(t, x, win, a.dir, "card.png"))
		blues := blueButtons(img)
		if len(blues) < 2 {
			return false
		}
		button = blues[len(blues)-1] // below the bar's Connect an account…
		return true
	})
	// The button's row, from its left edge to the window's right: Copy
	// token and ⋮.
	row := image.Rect(button.Min.X-3, button.Min.Y-3, img.Bounds().Max.X, button.Max.Y+3).Intersect(img.Bounds())
	// ⋮: its dots, which stand out from the card, right of Copy token.
	right := image.Rect(button.Max.X+1, button.Min.Y, row.Max.X, button.Max.Y)
	card := color.NRGBAModel.Convert(img.At(right.Max.X-3, right.Min.Y)).(color.NRGBA)
	var dots image.Rectangle
	for y := right.Min.Y; y < right.Max.Y; y++ {
		for x := right.Min.X; x < right.Max.X; x++ {
			if contrastRatio(img.At(x, y), card) >= 3 {
				dots = dots.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	if dots.Empty() {
		t.Fatalf("no ⋮ right of Copy token %v", button)
	}
	countdown := func(what string, start func()) {
		t.Helper()
		before := decodeShot(t, settledShot(t, x, win, a.dir, "countdown.png"))
		start()
		away()
		// Each change of the window (the card's countdown, the status
		// line's) for 4 s: from "11 s" to "8 s", two digits then one.
		var first image.Image
		var since time.Time
		frames := 0
		last := before
		for first == nil || time.Since(since) < 4*time.Second {
			x.wait(t, what+": the countdown going on", func() bool {
				return !sameIn(decodeShot(t, windowShot(t, x, win, a.dir, "countdown.png")), last, last.Bounds())
			})
			shot := decodeShot(t, settledShot(t, x, win, a.dir, "countdown.png"))
			if blues := blueButtons(shot); len(blues) < 2 || blues[len(blues)-1] != button {
				keepShot(t, "countdown-moved.png", windowShot(t, x, win, a.dir, "countdown.png"))
				t.Fatalf("%s, frame %d of the countdown: the blue buttons are at %v, Copy token was at %v", what, frames, blues, button)
			}
			if first == nil {
				first, since = shot, time.Now()
			} else if !sameIn(shot, first, row) {
				t.Errorf("%s, frame %d of the countdown: the row of Copy token and ⋮ (%v) changed", what, frames, row)
				keepShot(t, fmt.Sprintf("countdown-%d.png", frames), windowShot(t, x, win, a.dir, "countdown.png"))
			}
			last = shot
			frames++
		}
		t.Logf("%s: Copy token at %v in %d frames of the countdown; its row %v the same in each", what, button, frames, row)
	}
	countdown("the header, from the ⋮ menu", func() {
		before := decodeShot(t, windowShot(t, x, win, a.dir, "menu.png"))
		at(middle(dots))
		xdoE2E(t, "click", "1")
		// The menu: what changed below the row (the button under the
		// pointer changes too), right under ⋮, not in the window's
		// top-left corner.
		var menu image.Rectangle
		x.wait(t, "the ⋮ menu", func() bool {
			shot := decodeShot(t, settledShot(t, x, win, a.dir, "menu.png"))
			menu = image.Rectangle{}
			b := shot.Bounds()
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					if p := image.Pt(x, y); !p.In(row) && !sameIn(shot, before, image.Rectangle{p, p.Add(image.Pt(1, 1))}) {
						menu = menu.Union(image.Rectangle{p, p.Add(image.Pt(1, 1))})
					}
				}
			}
			return menu.Dy() > 30
		})
		keepShot(t, "card-menu.png", windowShot(t, x, win, a.dir, "menu.png"))
		t.Logf("the ⋮ menu drawn in %v, under ⋮ %v", menu, dots)
		if menu.Min.Y < row.Max.Y-6 || menu.Min.Y > row.Max.Y+6 || menu.Max.X < dots.Min.X {
			t.Fatalf("the ⋮ menu opened at %v, want right under ⋮ (the button's row ends at y=%d, ⋮ at %v)", menu, row.Max.Y, dots)
		}
		at(menu.Min.Add(image.Pt(40, 16))) // its first item: Copy as Authorization header
		xdoE2E(t, "click", "1")
	})
	countdown("Copy token", func() {
		at(middle(button))
		xdoE2E(t, "click", "1")
	})
	keepShot(t, "countdown.png", windowShot(t, x, win, a.dir, "countdown.png"))
}

// TestCardE2EReconnectFromTheCard: an account whose sign-in the provider
// ended; its card's main (blue) button, clicked, reconnects it: the
// connect dialog opens the (stand-in) browser, which approves, and the
// command line lists the account as ok again.
func TestCardE2EReconnectFromTheCard(t *testing.T) {
	skipShort(t)
	a, x, win := startE2E(t, nil)
	empty := settledShot(t, x, win, a.dir, "empty.png")
	a.run(t, "connect", "demo", "--name", "Assistant")
	st, err := store.Open(store.Options{Dir: filepath.Join(a.dir, "config"), Service: storetest.PackageService()})
	if err != nil {
		t.Fatal(err)
	}
	accts, err := st.Accounts()
	if err != nil || len(accts) != 1 {
		t.Fatalf("accounts: %v, %v", accts, err)
	}
	err = st.Update(context.Background(), func(tx *store.Tx) error {
		acct := accts[0]
		acct.Status, acct.LastError = "reconnect", "The provider ended this sign-in."
		return tx.PutAccount(acct)
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
	waitAccount(t, a, x, "the account needing reconnecting", func(acct map[string]any) bool {
		return acct["name"] == "Assistant" && acct["state"] == "reconnect"
	})
	var button image.Rectangle
	x.wait(t, "the card's blue Reconnect… button", func() bool {
		shot := windowShot(t, x, win, a.dir, "reconnect.png")
		if samePixels(t, shot, empty) {
			return false
		}
		blues := blueButtons(decodeShot(t, settledShot(t, x, win, a.dir, "reconnect.png")))
		if len(blues) < 2 {
			return false
		}
		button = blues[len(blues)-1]
		return true
	})
	keepShot(t, "card-reconnect.png", windowShot(t, x, win, a.dir, "reconnect.png"))
	xdoE2E(t, "mousemove", "--window", fmt.Sprint(win.id), fmt.Sprint((button.Min.X+button.Max.X)/2), fmt.Sprint((button.Min.Y+button.Max.Y)/2))
	xdoE2E(t, "click", "1")
	acct := waitAccount(t, a, x, "the account reconnected", func(acct map[string]any) bool {
		return acct["name"] == "Assistant" && acct["state"] == "ok"
	})
	t.Logf("clicked the card's blue button at %v; the account: %v", button, acct)
}
