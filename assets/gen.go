//go:build ignore

// gen draws the application icon and the tray's state icons: go run gen.go
// (from assets/).
package main

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
)

func main() {
	draw("icon.png", color.NRGBA{0x1f, 0x5f, 0xbf, 0xff}, 256)
	draw("tray-ok.png", color.NRGBA{0x1f, 0x5f, 0xbf, 0xff}, 64)        // all good
	draw("tray-attention.png", color.NRGBA{0xe0, 0x8a, 0x00, 0xff}, 64) // expiring or retrying
	draw("tray-broken.png", color.NRGBA{0xc6, 0x28, 0x28, 0xff}, 64)    // reconnect needed
	draw("tray-none.png", color.NRGBA{0x80, 0x80, 0x80, 0xff}, 64)      // nothing connected
}

// draw paints a white key on a disc of the given colour, n×n pixels.
func draw(name string, disc color.NRGBA, n int) {
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	white := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	k := float64(n) / 256 // the shapes are drawn for 256 px
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			dx, dy := (float64(x)-float64(n)/2+0.5)/k, (float64(y)-float64(n)/2+0.5)/k
			r := math.Hypot(dx, dy)
			switch {
			case r > 124:
				continue // transparent outside the disc
			case math.Hypot(dx+40, dy) < 46 && math.Hypot(dx+40, dy) > 24:
				img.Set(x, y, white) // the key's ring
			case dx > 0 && dx < 90 && math.Abs(dy) < 10:
				img.Set(x, y, white) // its shaft
			case (dx > 50 && dx < 66 || dx > 74 && dx < 90) && dy >= 10 && dy < 36:
				img.Set(x, y, white) // its teeth
			default:
				img.Set(x, y, disc)
			}
		}
	}
	f, err := os.Create(name)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		panic(err)
	}
}
