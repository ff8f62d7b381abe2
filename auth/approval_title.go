package auth

import "strings"

// LooksLikeApprovalTitle reports whether a window title looks like that of
// Clio's desktop approval page: "Success code=…" or "Failure error=…",
// whatever browser suffix follows. It only looks at the start, so that a
// watcher of window titles (ui/system/title) passes on those and ignores
// other windows whose titles merely contain "code="; ParseApproval then
// reads (and checks) the code.
func LooksLikeApprovalTitle(t string) bool {
	return strings.HasPrefix(t, "Success code=") || strings.HasPrefix(t, "Failure error=")
}
