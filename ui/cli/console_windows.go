package cli

import (
	"os"

	"golang.org/x/sys/windows"
)

var procAttachConsole = windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")

// attachParentProcess is ATTACH_PARENT_PROCESS: (DWORD)-1.
const attachParentProcess = ^uintptr(0)

// UseParentConsole gives the command line a console when the program is
// built for the GUI subsystem (-H=windowsgui) and started from cmd.exe or
// PowerShell, where Windows gives such a program no standard handles. Each
// of stdin, stdout and stderr that has no valid handle is pointed at the
// parent's console (CONIN$/CONOUT$), also for child processes and panics
// (SetStdHandle). A handle that is valid (redirected to a file or a pipe:
// `tokentray token x > t.txt`, `$t = tokentray token x`) is left alone.
// Started with no console around (Explorer), it changes nothing. Call it
// first thing, before anything uses os.Stdin, os.Stdout or os.Stderr
// (NewFactory takes them as they are then).
//
// The shell does not wait for a GUI-subsystem program it starts
// interactively: its prompt comes back at once, and the output follows it.
func UseParentConsole() {
	std := []struct {
		id   uint32
		file **os.File
		name string
	}{
		{windows.STD_INPUT_HANDLE, &os.Stdin, "CONIN$"},
		{windows.STD_OUTPUT_HANDLE, &os.Stdout, "CONOUT$"},
		{windows.STD_ERROR_HANDLE, &os.Stderr, "CONOUT$"},
	}
	attached := false
	for _, s := range std {
		if h, err := windows.GetStdHandle(s.id); err == nil && h != 0 && h != windows.InvalidHandle {
			continue // redirected, or a console program: keep it
		}
		if !attached {
			// ERROR_ACCESS_DENIED: attached already (Wine attaches GUI
			// programs to their parent's console itself).
			if r, _, err := procAttachConsole.Call(attachParentProcess); r == 0 && err != windows.ERROR_ACCESS_DENIED {
				return // no parent console
			}
			attached = true
		}
		name, err := windows.UTF16PtrFromString(s.name)
		if err != nil {
			continue
		}
		h, err := windows.CreateFile(name, windows.GENERIC_READ|windows.GENERIC_WRITE,
			windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, nil, windows.OPEN_EXISTING, 0, 0)
		if err != nil {
			continue
		}
		windows.SetStdHandle(s.id, h)
		*s.file = os.NewFile(uintptr(h), s.name)
	}
}
