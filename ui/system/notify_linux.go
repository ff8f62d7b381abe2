//go:build linux || freebsd || openbsd || netbsd

package system

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"time"

	"github.com/godbus/dbus/v5"
)

// The freedesktop notification service (org.freedesktop.Notifications on
// the session bus), which every Linux desktop runs: Tokentray sends its
// notifications there itself rather than through Fyne, whose
// SendNotification asks every one to stay on the screen until dismissed
// (expire_timeout 0) and names it by the app ID.
const (
	notifyPath  = "/org/freedesktop/Notifications"
	notifyIface = "org.freedesktop.Notifications"
)

// DesktopNotification is one desktop notification.
type DesktopNotification struct {
	// AppName names the app sending it (app_name): "Tokentray".
	AppName string
	// Title and Body are its summary and its text.
	Title, Body string
	// IconName is the app's icon in the icon theme (app_icon), as its
	// desktop entry names it; Icon its PNG, sent with it (the image-data
	// hint), for a desktop where the app's icon is not installed.
	IconName string
	Icon     []byte
	// Expire is how long it stays on the screen: more than zero, that
	// long; ExpireNever, until the user dismisses it; ExpireDefault, as
	// long as the notification service decides.
	Expire time.Duration
}

// Expiries with a meaning of their own (the protocol's 0 and -1).
const (
	ExpireNever   time.Duration = 0
	ExpireDefault time.Duration = -1
)

// expireTimeout is n's expire_timeout in milliseconds, as the protocol has
// it: 0 never, -1 the server's default.
func (n DesktopNotification) expireTimeout() int32 {
	switch {
	case n.Expire == ExpireNever:
		return 0
	case n.Expire < 0:
		return -1
	case n.Expire < time.Millisecond:
		return 1
	case n.Expire > time.Duration(1<<31-1)*time.Millisecond:
		return 1<<31 - 1
	}
	return int32(n.Expire / time.Millisecond)
}

// SendDesktopNotification shows n through the session bus's notification
// service (org.freedesktop.Notifications' Notify), on the process's shared
// session bus connection, within ctx. It returns the notification's ID
// from the service, or why it could not be shown (no session bus, no
// notification service, or the service refused it).
func SendDesktopNotification(ctx context.Context, n DesktopNotification) (uint32, error) {
	conn, err := dbus.SessionBus() // shared: not closed here
	if err != nil {
		return 0, fmt.Errorf("show a notification: session bus: %w", err)
	}
	hints := map[string]dbus.Variant{
		"urgency": dbus.MakeVariant(byte(1)), // normal
	}
	if n.IconName != "" {
		hints["desktop-entry"] = dbus.MakeVariant(n.IconName)
	}
	if img, ok := iconData(n.Icon); ok {
		hints["image-data"] = dbus.MakeVariant(img)
	}
	var id uint32
	err = conn.Object(notifyIface, notifyPath).CallWithContext(ctx, notifyIface+".Notify", 0,
		n.AppName, uint32(0), n.IconName, n.Title, n.Body, []string{}, hints, n.expireTimeout()).Store(&id)
	if err != nil {
		return 0, fmt.Errorf("show a notification: %w", err)
	}
	return id, nil
}

// imageData is the image-data hint's (iiibiiay): width, height, row
// stride, alpha, bits per sample, channels, RGBA bytes.
type imageData struct {
	Width, Height, Stride int32
	Alpha                 bool
	Bits, Channels        int32
	Data                  []byte
}

// iconSize is the largest side of the icon sent with a notification: the
// services draw it at 48 pixels or so, and a smaller one keeps each
// message small.
const iconSize = 64

// iconData is a PNG as the image-data hint, made at most iconSize pixels
// a side; not ok for no PNG or a broken one.
func iconData(pngBytes []byte) (imageData, bool) {
	if len(pngBytes) == 0 {
		return imageData{}, false
	}
	src, err := png.Decode(bytes.NewReader(pngBytes))
	if err != nil {
		return imageData{}, false
	}
	b := src.Bounds()
	step := 1
	for b.Dx()/step > iconSize || b.Dy()/step > iconSize {
		step++
	}
	rgba := image.NewNRGBA(image.Rect(0, 0, b.Dx()/step, b.Dy()/step))
	if step == 1 {
		draw.Draw(rgba, rgba.Bounds(), src, b.Min, draw.Src)
	} else {
		// The average of each step×step block (premultiplied, so that
		// transparent pixels do not darken the edges).
		full := image.NewRGBA(b)
		draw.Draw(full, b, src, b.Min, draw.Src)
		for y := 0; y < rgba.Rect.Dy(); y++ {
			for x := 0; x < rgba.Rect.Dx(); x++ {
				var r, g, bl, a int
				for dy := 0; dy < step; dy++ {
					for dx := 0; dx < step; dx++ {
						o := full.PixOffset(b.Min.X+x*step+dx, b.Min.Y+y*step+dy)
						r, g, bl, a = r+int(full.Pix[o]), g+int(full.Pix[o+1]), bl+int(full.Pix[o+2]), a+int(full.Pix[o+3])
					}
				}
				o := rgba.PixOffset(x, y)
				if a > 0 {
					rgba.Pix[o], rgba.Pix[o+1], rgba.Pix[o+2] = byte(r*255/a), byte(g*255/a), byte(bl*255/a)
				}
				rgba.Pix[o+3] = byte(a / (step * step))
			}
		}
	}
	return imageData{Width: int32(rgba.Rect.Dx()), Height: int32(rgba.Rect.Dy()), Stride: int32(rgba.Stride),
		Alpha: true, Bits: 8, Channels: 4, Data: rgba.Pix}, true
}
