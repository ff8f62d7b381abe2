package tray

import (
	"image"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// variantTheme is a theme in one variant, whatever the settings say
// (Fyne's test app says neither light nor dark).
type variantTheme struct {
	fyne.Theme
	v fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.v)
}

var variants = []struct {
	name string
	v    fyne.ThemeVariant
}{{"light", theme.VariantLight}, {"dark", theme.VariantDark}}

// blend is Fyne's focused (or hovered) colour of a button: its colour with
// the theme's focus colour over it (widget/button.go).
func blend(under, over color.Color) color.Color {
	r, g, b, a := over.RGBA()
	ur, ug, ub, _ := under.RGBA()
	k := 1 - float64(a)/0xffff
	mix := func(top, bottom uint32) uint8 { return uint8((float64(top) + float64(bottom)*k) / 0x101) }
	return color.NRGBA{R: mix(r, ur), G: mix(g, ug), B: mix(b, ub), A: 0xff}
}

// TestFocusRingContrast: the focus ring's colour, in the app's theme in
// light and in dark, contrasts by at least 3:1 (WCAG 2.2) with every
// colour it is drawn on or next to: the buttons' own (blue, grey; focused,
// hovered), the window's, a card's, a dialog's and a menu's backgrounds.
// Fyne's own focus on a blue button is logged for comparison.
func TestFocusRingContrast(t *testing.T) {
	test.NewTempApp(t)
	for _, vr := range variants {
		th := newAppTheme(variantTheme{theme.DefaultTheme(), vr.v})
		ring := focusRingColor(th, vr.v)
		primary := th.Color(theme.ColorNamePrimary, vr.v)
		focus := th.Color(theme.ColorNameFocus, vr.v)
		hover := th.Color(theme.ColorNameHover, vr.v)
		bg := surfaceColor(th, theme.ColorNameBackground, vr.v)
		t.Logf("%s: Fyne's focus changes a blue button's colour %v to %v: %.2f:1; a grey one's: %.2f:1", vr.name,
			primary, blend(primary, focus), contrastRatio(primary, blend(primary, focus)),
			contrastRatio(th.Color(theme.ColorNameButton, vr.v), blend(th.Color(theme.ColorNameButton, vr.v), focus)))
		for _, s := range []struct {
			what string
			c    color.Color
		}{
			{"the window", bg},
			{"a card", surfaceColor(th, theme.ColorNameInputBackground, vr.v)},
			{"a dialog", surfaceColor(th, theme.ColorNameOverlayBackground, vr.v)},
			{"a menu", surfaceColor(th, theme.ColorNameMenuBackground, vr.v)},
			{"a blue button", primary},
			{"a blue button, focused", blend(primary, focus)},
			{"a blue button, hovered", blend(primary, hover)},
			{"a grey button", surfaceColor(th, theme.ColorNameButton, vr.v)},
			{"a grey button, focused", blend(surfaceColor(th, theme.ColorNameButton, vr.v), focus)},
			{"an entry", surfaceColor(th, theme.ColorNameInputBackground, vr.v)},
			{"a red button", th.Color(theme.ColorNameError, vr.v)},
		} {
			r := contrastRatio(ring, s.c)
			t.Logf("%s: the ring %v on %s %v: %.2f:1", vr.name, ring, s.what, s.c, r)
			if r < 3 {
				t.Errorf("%s: the focus ring %v contrasts %.2f:1 with %s (%v), want ≥ 3:1", vr.name, ring, r, s.what, s.c)
			}
		}
	}
	// The measure itself, on known pairs.
	if r := contrastRatio(color.Black, color.White); r < 20.99 || r > 21.01 {
		t.Errorf("black on white: %.3f:1, want 21:1", r)
	}
	if r := contrastRatio(color.NRGBA{0x76, 0x76, 0x76, 0xff}, color.White); r < 4.5 || r > 4.6 {
		t.Errorf("#767676 on white: %.3f:1, want 4.54:1", r)
	}
}

// TestFocusRingDrawn: drawn (Fyne's software painter, the app's theme),
// Tab's focus changes the pixels round the edge of each of the app's
// controls — a blue button, a grey one, an entry, a choice, a check box —
// and what it draws contrasts by at least 3:1 with what was there and
// with what is around it, in light and in dark.
func TestFocusRingDrawn(t *testing.T) {
	a := test.NewTempApp(t)
	for _, vr := range variants {
		a.Settings().SetTheme(newAppTheme(variantTheme{theme.DefaultTheme(), vr.v}))
		blue := newButtonWithIcon("Connect an account…", theme.ContentAddIcon(), func() {})
		blue.Importance = widget.HighImportance
		grey := newButton("Cancel", func() {})
		entry := newEntry()
		entry.SetText("Work")
		choice := newSelect([]string{"Clio", "Demo provider"}, nil)
		check := newCheck("Start at login", nil)
		controls := []struct {
			what string
			w    fyne.Focusable
		}{{"a blue button", blue}, {"a grey button", grey}, {"an entry", entry}, {"a choice", choice}, {"a check box", check}}
		box := container.NewVBox()
		for _, c := range controls {
			box.Add(container.NewHBox(c.w.(fyne.CanvasObject)))
		}
		w := test.NewTempWindow(t, container.NewPadded(box))
		w.Resize(fyne.NewSize(400, 320))
		c := w.Canvas()
		for _, ctl := range controls {
			c.Unfocus()
			before := c.Capture()
			c.Focus(ctl.w)
			after := c.Capture()
			m := measureFocus(before, after)
			t.Logf("%s, %s: %d pixels changed, %d by ≥ 3:1 in %v; the ring %v: %.2f:1 with what was there, %.2f:1 with the control, %.2f:1 with its surroundings",
				vr.name, ctl.what, m.changed, m.strong, m.box, m.ring, m.againstBefore, m.againstInside, m.againstOutside)
			o := ctl.w.(fyne.CanvasObject)
			scale := float32(after.Bounds().Dx()) / c.Size().Width
			// At least a 2 pixel thick perimeter (WCAG 2.2's minimum
			// area), less the rounded corners.
			perimeter := 2 * (o.Size().Width + o.Size().Height) * scale
			if min := int(1.8 * perimeter); m.strong < min {
				t.Errorf("%s, %s: %d pixels changed by ≥ 3:1, want a 2 pixel ring round the %v control (≥ %d)", vr.name, ctl.what, m.strong, o.Size(), min)
			}
			if want := image.Rect(0, 0, int(o.Size().Width*scale), int(o.Size().Height*scale)); m.box.Dx() < want.Dx()-1 || m.box.Dy() < want.Dy()-1 {
				t.Errorf("%s, %s: the indicator spans %v, want the control's %v", vr.name, ctl.what, m.box.Size(), want.Size())
			}
			if m.againstBefore < 3 || m.againstInside < 3 || m.againstOutside < 3 {
				t.Errorf("%s, %s: the focus indicator %v contrasts %.2f:1 with the unfocused pixels, %.2f:1 with the control, %.2f:1 with its surroundings; want ≥ 3:1",
					vr.name, ctl.what, m.ring, m.againstBefore, m.againstInside, m.againstOutside)
			}
		}
		c.Unfocus()
	}
}

// focusMeasure is what focusing changed in a picture.
type focusMeasure struct {
	changed, strong                              int             // pixels changed; by at least 3:1
	box                                          image.Rectangle // round the pixels changed by at least 3:1
	ring                                         color.Color     // their most common colour
	againstBefore, againstInside, againstOutside float64
}

// measureFocus compares a picture before and after focusing, as WCAG 2.2's
// focus appearance does: the pixels whose colour changed by at least 3:1
// (the indicator; Fyne's own faint change of a button's colour does not
// count), their most common colour (the ring, anti-aliased pixels aside),
// and its contrast with what those pixels were, with the most common
// colour inside the indicator (the control, as focused) and in a band 3
// pixels wide round it (its surroundings).
func measureFocus(before, after image.Image) focusMeasure {
	var m focusMeasure
	b := after.Bounds()
	nrgba := func(img image.Image, x, y int) color.NRGBA {
		return color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
	}
	strong := map[image.Point]bool{}
	ringCount := map[color.NRGBA]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			was, is := nrgba(before, x, y), nrgba(after, x, y)
			if was == is {
				continue
			}
			m.changed++
			if contrastRatio(was, is) < 3 {
				continue
			}
			p := image.Pt(x, y)
			strong[p] = true
			ringCount[is]++
			if m.strong == 0 {
				m.box = image.Rectangle{p, p.Add(image.Pt(1, 1))}
			} else {
				m.box = m.box.Union(image.Rectangle{p, p.Add(image.Pt(1, 1))})
			}
			m.strong++
		}
	}
	if m.strong == 0 {
		return m
	}
	most := func(count map[color.NRGBA]int) color.NRGBA {
		var best color.NRGBA
		n := -1
		for c, k := range count {
			if k > n || k == n && (c.R < best.R || c.R == best.R && (c.G < best.G || c.G == best.G && c.B < best.B)) {
				best, n = c, k
			}
		}
		return best
	}
	ring := most(ringCount)
	m.ring = ring
	under, inside, outside := map[color.NRGBA]int{}, map[color.NRGBA]int{}, map[color.NRGBA]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			p := image.Pt(x, y)
			switch {
			case strong[p]:
				if nrgba(after, x, y) == ring {
					under[nrgba(before, x, y)]++
				}
			case p.In(m.box.Inset(3)): // the control, a little inside its ring
				inside[nrgba(after, x, y)]++
			case p.In(m.box):
			case p.In(m.box.Inset(-3)):
				outside[nrgba(after, x, y)]++
			}
		}
	}
	m.againstBefore = contrastRatio(ring, most(under))
	m.againstInside = contrastRatio(ring, most(inside))
	m.againstOutside = contrastRatio(ring, most(outside))
	return m
}
