//go:build linux || freebsd || openbsd || netbsd

package system

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
	"time"
)

// TestNotificationExpiry: how long a notification stays, as the protocol
// says it (expire_timeout in milliseconds; 0 never, -1 the service's
// choice).
func TestNotificationExpiry(t *testing.T) {
	for expire, want := range map[time.Duration]int32{
		10 * time.Second: 10000, ExpireNever: 0, ExpireDefault: -1, -time.Hour: -1,
		time.Microsecond: 1, 1000 * time.Hour: 1<<31 - 1,
	} {
		if got := (DesktopNotification{Expire: expire}).expireTimeout(); got != want {
			t.Errorf("%v: expire_timeout %d, want %d", expire, got, want)
		}
	}
}

// TestNotificationIcon: the icon goes as the image-data hint, at most 64
// pixels a side, its colour and transparency kept; no icon, or a broken
// one, goes without.
func TestNotificationIcon(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 256, 256))
	for y := range 256 {
		for x := range 256 {
			if x < 128 {
				src.Set(x, y, color.NRGBA{R: 200, G: 10, B: 30, A: 255})
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, src); err != nil {
		t.Fatal(err)
	}
	img, ok := iconData(b.Bytes())
	if !ok || img.Width != 64 || img.Height != 64 || img.Stride != 256 || !img.Alpha || img.Bits != 8 || img.Channels != 4 || len(img.Data) != 64*256 {
		t.Fatalf("image-data %dx%d stride %d alpha %v bits %d channels %d, %d bytes", img.Width, img.Height, img.Stride, img.Alpha, img.Bits, img.Channels, len(img.Data))
	}
	if p := img.Data[0:4]; p[0] != 200 || p[1] != 10 || p[2] != 30 || p[3] != 255 {
		t.Errorf("an opaque pixel is %v", p)
	}
	if p := img.Data[63*4 : 64*4]; p[3] != 0 {
		t.Errorf("a transparent pixel is %v", p)
	}
	for _, bad := range [][]byte{nil, []byte("not a png")} {
		if _, ok := iconData(bad); ok {
			t.Errorf("%q: an icon made of it", bad)
		}
	}
}
