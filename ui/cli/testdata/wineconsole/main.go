// Command wineconsole is built for Windows with -H=windowsgui by
// TestConsoleUnderWine (console_wine_test.go): it is the tokentray CLI's
// start-up (cli.UseParentConsole, then stdio) without the rest.
//
//	wineconsole        say hello on stdout and stderr, exit 3
//	wineconsole read   also read a line from stdin and say it
//	wineconsole launch start "wineconsole" with no std handles (as cmd.exe
//	                   starts a GUI program) and exit with its code
package main

import (
	"bufio"
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/tokentray/tokentray/ui/cli"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "launch" {
		os.Exit(launch())
	}
	cli.UseParentConsole()
	fmt.Fprintln(os.Stdout, "out: hello")
	fmt.Fprintln(os.Stderr, "err: hello")
	if len(os.Args) > 1 && os.Args[1] == "read" {
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		fmt.Fprintf(os.Stdout, "out: read %q %v\n", line, err)
	}
	os.Exit(3)
}

func launch() int {
	cmd, _ := windows.UTF16PtrFromString(`"` + os.Args[0] + `"`)
	si := &windows.StartupInfo{Flags: windows.STARTF_USESTDHANDLES} // all three null
	si.Cb = uint32(unsafe.Sizeof(*si))
	var pi windows.ProcessInformation
	if err := windows.CreateProcess(nil, cmd, nil, nil, false, 0, nil, nil, si, &pi); err != nil {
		return 100
	}
	defer windows.CloseHandle(pi.Process)
	defer windows.CloseHandle(pi.Thread)
	windows.WaitForSingleObject(pi.Process, windows.INFINITE)
	var code uint32
	windows.GetExitCodeProcess(pi.Process, &code)
	return int(code)
}
