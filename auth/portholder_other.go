//go:build !linux && !windows

package auth

// portHolder names the program holding a port where the OS tells; this OS
// does not tell without extra permissions.
func portHolder(int) string { return "" }
