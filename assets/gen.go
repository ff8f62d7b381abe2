//go:build ignore

// gen draws the application icon: go run gen.go (from assets/).
package main

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
)

func main() {
	const n = 256
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	blue := color.NRGBA{0x1f, 0x5f, 0xbf, 0xff}
	white := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			dx, dy := float64(x)-n/2+0.5, float64(y)-n/2+0.5
			r := math.Hypot(dx, dy)
			switch {
			case r > n/2-4:
				continue // transparent outside the disc
			case math.Hypot(dx+40, dy) < 46 && math.Hypot(dx+40, dy) > 24:
				img.Set(x, y, white) // the key's ring
			case dx > 0 && dx < 90 && math.Abs(dy) < 10:
				img.Set(x, y, white) // its shaft
			case (dx > 50 && dx < 66 || dx > 74 && dx < 90) && dy >= 10 && dy < 36:
				img.Set(x, y, white) // its teeth
			default:
				img.Set(x, y, blue)
			}
		}
	}
	f, err := os.Create("icon.png")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		panic(err)
	}
}
