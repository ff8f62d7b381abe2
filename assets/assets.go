// Package assets holds Tokentray's icons, embedded in the binary.
package assets

import _ "embed"

//go:generate go run gen.go

// Icon is the application icon, a 256×256 PNG.
//
//go:embed icon.png
var Icon []byte
