// Package assets holds Tokentray's icons, embedded in the binary.
package assets

import _ "embed"

//go:generate go run gen.go

// Icon is the application icon, a 256×256 PNG.
//
//go:embed icon.png
var Icon []byte

// Tray icons, 64×64 PNGs: a key on a disc whose colour tells the worst
// state of the accounts.
var (
	//go:embed tray-ok.png
	TrayOK []byte // all good: blue
	//go:embed tray-attention.png
	TrayAttention []byte // expiring or retrying: amber
	//go:embed tray-broken.png
	TrayBroken []byte // reconnect needed: red
	//go:embed tray-none.png
	TrayNone []byte // nothing connected: grey
)
