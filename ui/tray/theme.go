package tray

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

// The keyboard focus, made visible. Fyne 2.7 shows a focused button by
// blending its colour with the theme's focus colour, a light translucent
// blue: on a blue (primary) button that changes its colour by a few
// levels, nothing anyone sees. The app's buttons, entries, choices and
// check boxes (keys.go's wrappers) draw a ring on their edge instead, in a
// colour that stands out by at least 3:1 (WCAG 2.2's focus appearance)
// from the control's own colour and from what is around it, in light and
// in dark.

// colorNameFocusRing is the theme's colour for the ring around the
// focused control; a theme that does not know it gets focusRingFor's.
const colorNameFocusRing fyne.ThemeColorName = "tokentrayFocusRing"

// focusRingWidth is the ring's width, in Fyne's units: OpenGL smooths a
// stroke's edges over about a pixel, so 3 leave at least 2 pixels of
// the ring's own colour (WCAG's minimum thickness).
const focusRingWidth = 3

// appTheme is the app's theme: Fyne's (whichever it is, light or dark as
// the desktop prefers), with the focus ring's colour.
type appTheme struct{ fyne.Theme }

// newAppTheme wraps base (nil: Fyne's default theme).
func newAppTheme(base fyne.Theme) fyne.Theme {
	if base == nil {
		base = theme.DefaultTheme()
	}
	if t, ok := base.(*appTheme); ok {
		return t
	}
	return &appTheme{base}
}

func (t *appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == colorNameFocusRing {
		return focusRingFor(t.Theme, v)
	}
	return t.Theme.Color(n, v)
}

// focusRingCandidates are the colours the ring may take: near-black and
// near-white (pure black and white look harsh beside the theme's greys).
var focusRingCandidates = []color.NRGBA{
	{R: 0x12, G: 0x12, B: 0x14, A: 0xff},
	{R: 0xfa, G: 0xfa, B: 0xfa, A: 0xff},
}

// focusRingSurroundings are the colours a ring is drawn on or next to: the
// controls' own (the ring is on their edge) and the backgrounds they sit
// on (the window, a card, a dialog, a menu).
var focusRingSurroundings = []fyne.ThemeColorName{
	theme.ColorNameBackground, theme.ColorNameInputBackground, theme.ColorNameOverlayBackground,
	theme.ColorNameMenuBackground, theme.ColorNameButton, theme.ColorNamePrimary,
	theme.ColorNameError, theme.ColorNameSuccess, theme.ColorNameWarning,
}

// focusRingFor is the candidate that contrasts most with the least
// contrasting of th's surroundings (in variant v); with Fyne's themes, that
// is near-black in light and near-white in dark.
func focusRingFor(th fyne.Theme, v fyne.ThemeVariant) color.Color {
	best, bestMin := color.Color(focusRingCandidates[0]), -1.0
	for _, c := range focusRingCandidates {
		least := math.Inf(1)
		for _, n := range focusRingSurroundings {
			least = math.Min(least, contrastRatio(c, surfaceColor(th, n, v)))
		}
		if least > bestMin {
			best, bestMin = c, least
		}
	}
	return best
}

// focusRingColor is the ring's colour in th, theme or no theme of ours
// (other themes are not asked for a colour they do not know: Fyne's test
// theme logs it).
func focusRingColor(th fyne.Theme, v fyne.ThemeVariant) color.Color {
	if t, ok := th.(*appTheme); ok {
		return t.Color(colorNameFocusRing, v)
	}
	return focusRingFor(th, v)
}

// surfaceColor is a theme colour as drawn: a translucent one over the
// window's background.
func surfaceColor(th fyne.Theme, n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	c := th.Color(n, v)
	if n == theme.ColorNameBackground {
		return over(c, color.White)
	}
	return over(c, over(th.Color(theme.ColorNameBackground, v), color.White))
}

// over is c drawn over an opaque colour under.
func over(c, under color.Color) color.Color {
	r, g, b, a := c.RGBA() // premultiplied
	ur, ug, ub, _ := under.RGBA()
	k := 1 - float64(a)/0xffff
	mix := func(top, bottom uint32) uint8 {
		return uint8(math.Round((float64(top) + float64(bottom)*k) / 0x101))
	}
	return color.NRGBA{R: mix(r, ur), G: mix(g, ug), B: mix(b, ub), A: 0xff}
}

// relativeLuminance is WCAG 2's relative luminance of an opaque colour.
func relativeLuminance(c color.Color) float64 {
	r, g, b, _ := color.NRGBAModel.Convert(c).(color.NRGBA).RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrastRatio is WCAG 2's contrast ratio of two opaque colours, 1 to 21.
func contrastRatio(a, b color.Color) float64 {
	la, lb := relativeLuminance(a), relativeLuminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// focusRinged is a widget of keys.go's that draws the focus ring: whether
// it has the keyboard focus, and is enabled.
type focusRinged interface {
	fyne.Widget
	Theme() fyne.Theme
	ringShown() bool
}

// focusRingRenderer draws a widget's own renderer and, while it has the
// focus, the ring on its edge, on top.
type focusRingRenderer struct {
	fyne.WidgetRenderer
	w    focusRinged
	ring *canvas.Rectangle
	objs []fyne.CanvasObject
}

// withFocusRing adds the ring to w's own renderer r.
func withFocusRing(w focusRinged, r fyne.WidgetRenderer) fyne.WidgetRenderer {
	ring := canvas.NewRectangle(color.Transparent)
	ring.StrokeWidth = focusRingWidth
	ring.Hide()
	fr := &focusRingRenderer{WidgetRenderer: r, w: w, ring: ring}
	fr.applyRing()
	return fr
}

func (r *focusRingRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	r.ring.Move(fyne.NewPos(0, 0))
	r.ring.Resize(size)
}

// Objects are the widget's own, then the ring; the widget's renderer may
// change its own (a button given an icon), so they are looked at each time.
func (r *focusRingRenderer) Objects() []fyne.CanvasObject {
	inner := r.WidgetRenderer.Objects()
	same := len(r.objs) == len(inner)+1
	for i := 0; same && i < len(inner); i++ {
		same = r.objs[i] == inner[i]
	}
	if !same {
		r.objs = append(append(make([]fyne.CanvasObject, 0, len(inner)+1), inner...), r.ring)
	}
	return r.objs
}

func (r *focusRingRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	r.applyRing()
}

func (r *focusRingRenderer) applyRing() {
	if !r.w.ringShown() {
		if r.ring.Visible() {
			r.ring.Hide()
		}
		return
	}
	th := r.w.Theme()
	r.ring.StrokeColor = focusRingColor(th, fyne.CurrentApp().Settings().ThemeVariant())
	r.ring.StrokeWidth = focusRingWidth
	r.ring.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.ring.Resize(r.w.Size())
	r.ring.Show()
	r.ring.Refresh()
}

// Every wrapper of keys.go draws the ring.
var (
	_ focusRinged = (*keyButton)(nil)
	_ focusRinged = (*keyEntry)(nil)
	_ focusRinged = (*keySelect)(nil)
	_ focusRinged = (*keyCheck)(nil)
	_ focusRinged = (*keySelectEntry)(nil)
	_ fyne.Theme  = (*appTheme)(nil)
)
