//go:build !windows

package cli

// UseParentConsole does nothing here: only a Windows GUI-subsystem program
// starts without standard handles (see console_windows.go).
func UseParentConsole() {}
