//go:build linux

package tray

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os/exec"
	"testing"

	"fyne.io/fyne/v2/theme"
	"github.com/jezek/xgb/xproto"

	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/system/title/titletest"
)

// TestLayoutProviderSettingsOnScreen opens Provider settings in the demo
// app's real window at its first size (640×600), at 100 % and at 200 %
// (FYNE_SCALE=2), with the keyboard as a user without a mouse would: Tab
// three times to the window's Settings button (after Connect an account…
// and Import Claude sign-in…), Enter opens its menu, Down picks its first
// item, Provider settings…, Enter. Then it finds the dialog's Save button
// in the screenshot, checks that it lies wholly inside the window, and
// clicks Close beside it with the mouse: the dialog must close.
//
// Why these checks: the dialog itself always fits (Fyne clamps a modal
// pop-up to the window); what went wrong was its content, drawn past the
// dialog's and the window's bottom edge, so a scan for the dialog's edge
// would pass with the bug. The Save button is the one thing in the dialog
// in the theme's primary colour (the window's own blue button lies under
// the dialog's dark underlay, another colour), whatever the dialog's
// layout, words or language: its pixels' bounding box is the button, cut
// off if the window's edge cuts it, missing if it is beyond. The click on
// Close (left of Save, in the same row) is what the issue is about — the
// dialog closed with the mouse — and tells the outcome by the pixels, not
// by asking Fyne where it put things. The pointer is first moved off the
// window, so that no hover colours a button.
func TestLayoutProviderSettingsOnScreen(t *testing.T) {
	skipShort(t)
	storetest.RequireSession(t)
	for _, tool := range []string{"import", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			storetest.Missing(t, tool, "make test-deps")
		}
	}
	for _, run := range []struct {
		name, shot string
		scale      int
	}{
		{"100%", "provider-settings.png", 1},
		{"200%", "provider-settings-200.png", 2},
	} {
		t.Run(run.name, func(t *testing.T) { layoutProviderSettingsOnScreen(t, run.scale, run.shot) })
	}
}

func layoutProviderSettingsOnScreen(t *testing.T, scale int, shotName string) {
	titletest.StartXvfbSize(t, "1400x1300") // room for the window at 200 %: 1280×1200
	a := buildDemoApp(t)
	a.env = append(a.env, fmt.Sprintf("FYNE_SCALE=%d", scale))
	startTrayHost(t) // else the window says there is no tray, and is taller
	x := watchDisplay(t)
	a.start(t)
	win := x.waitWindow(t, "Tokentray")
	win.followDrawing(t)
	// An account connected, as after the first minutes: the window shows
	// its list (the start screen with no account is another height).
	a.run(t, "connect", "demo", "--name", "Work")
	second := exec.Command(a.bin) // a second launch: the window reloads at once
	second.Env = a.env
	if out, err := second.CombinedOutput(); err != nil {
		t.Fatalf("second launch: %v\n%s", err, out)
	}
	xdo := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("xdotool", args...).CombinedOutput(); err != nil {
			t.Fatalf("xdotool %v: %v\n%s", args, err, out)
		}
	}
	xdo("mousemove", "--sync", "1399", "1299") // off the window: no hover
	// The window at its first size. (The start screen, shown until the
	// account came, may have made it taller as the app started: it is
	// brought back, as a user would, once the window shows the account.)
	size := image.Pt(int(defaultWindow.Width)*scale, int(defaultWindow.Height)*scale)
	var beforePNG []byte
	x.wait(t, "the window drawn at its first size", func() bool {
		geo, err := xproto.GetGeometry(x.conn, xproto.Drawable(win.id)).Reply()
		if err != nil {
			t.Fatal(err)
		}
		if int(geo.Width) != size.X || int(geo.Height) != size.Y {
			t.Logf("the window is %dx%d pixels: resized to %v", geo.Width, geo.Height, size)
			xdo("windowsize", fmt.Sprint(win.id), fmt.Sprint(size.X), fmt.Sprint(size.Y))
			return false
		}
		beforePNG = settledShot(t, x, win, a.dir, "before.png")
		geo, err = xproto.GetGeometry(x.conn, xproto.Drawable(win.id)).Reply() // and it stayed so
		return err == nil && int(geo.Width) == size.X && int(geo.Height) == size.Y && layoutDecode(t, beforePNG).Bounds().Size() == size
	})
	before := layoutDecode(t, beforePNG)

	xdo("windowfocus", "--sync", fmt.Sprint(win.id))
	xdo("key", "--delay", "150", "Tab", "Tab", "Tab", "Return")
	x.wait(t, "the Settings menu", func() bool {
		return !samePixels(t, windowShot(t, x, win, a.dir, "menu.png"), beforePNG)
	})
	xdo("key", "--delay", "150", "Down", "Return")
	x.wait(t, "the Save button of Provider settings", func() bool {
		return !layoutPrimaryBox(layoutDecode(t, windowShot(t, x, win, a.dir, "dialog.png"))).Empty()
	})
	shot := settledShot(t, x, win, a.dir, shotName)
	keepShot(t, shotName, shot)
	img := layoutDecode(t, shot)
	save := layoutPrimaryBox(img)
	t.Logf("at %d00 %%: the window %v, the Save button %v", scale, size, save)

	// A button's size (Fyne's button is about 36 units high), not
	// something else blue besides it, and wholly in the window with the
	// dialog's margin below it.
	if h, w := save.Dy(), save.Dx(); h < 24*scale || h > 60*scale || w < 30*scale || w > 260*scale {
		t.Fatalf("the primary-coloured area %v is not a button: something else is blue, or Save is cut off", save)
	}
	if save.Min.X < 0 || save.Min.Y < 0 || save.Max.X > size.X-8*scale || save.Max.Y > size.Y-8*scale {
		t.Errorf("the Save button %v is not inside the %v window", save, size)
	}

	// Close, left of Save in the same row, with the mouse.
	at := image.Pt(save.Min.X-(int(theme.Padding())+16)*scale, (save.Min.Y+save.Max.Y)/2)
	xdo("mousemove", "--window", fmt.Sprint(win.id), "--sync", fmt.Sprint(at.X), fmt.Sprint(at.Y))
	xdo("click", "1")
	corner := before.At(1, 1) // darkened by the dialog's underlay while it is open
	if layoutSameColour(img.At(1, 1), corner) {
		t.Fatal("the window's corner looks the same with the dialog open: its closing cannot be seen")
	}
	x.wait(t, "the dialog closed by a click on Close", func() bool {
		return layoutSameColour(layoutDecode(t, windowShot(t, x, win, a.dir, "closed.png")).At(1, 1), corner)
	})
	geo, err := xproto.GetGeometry(x.conn, xproto.Drawable(win.id)).Reply()
	if err != nil {
		t.Fatal(err)
	}
	if int(geo.Width) != size.X || int(geo.Height) != size.Y {
		t.Errorf("the window changed size with the dialog: %dx%d, was %v", geo.Width, geo.Height, size)
	}
}

// layoutDecode decodes a screenshot.
func layoutDecode(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// layoutPrimaryBox is the bounding box of img's pixels in the theme's primary
// colour (Fyne's, light or dark), within a few levels; empty if none.
func layoutPrimaryBox(img image.Image) image.Rectangle {
	var box image.Rectangle
	primaries := []color.Color{
		theme.DefaultTheme().Color(theme.ColorNamePrimary, theme.VariantLight),
		theme.DefaultTheme().Color(theme.ColorNamePrimary, theme.VariantDark),
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := img.At(x, y)
			for _, p := range primaries {
				if layoutSameColour(c, p) {
					box = box.Union(image.Rect(x, y, x+1, y+1))
					break
				}
			}
		}
	}
	return box
}

// layoutSameColour says whether two opaque colours are the same within a few
// levels (what the drawing rounds).
func layoutSameColour(a, b color.Color) bool {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	near := func(u, v uint32) bool {
		d := int(u>>8) - int(v>>8)
		return d >= -6 && d <= 6
	}
	return near(ar, br) && near(ag, bg) && near(ab, bb)
}
