//go:build windows

package auth

import (
	"encoding/binary"
	"errors"
	"fmt"
	"path/filepath"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	iphlpapi                = windows.NewLazySystemDLL("iphlpapi.dll")
	procGetExtendedTcpTable = iphlpapi.NewProc("GetExtendedTcpTable")
)

// portHolder names the program listening on a TCP port, as "name (PID n)",
// or "" when Windows does not tell. It asks the TCP table with owning
// process IDs (GetExtendedTcpTable, IPv4 then IPv6) and names the process
// by its image (QueryFullProcessImageName; another user's process may not
// be opened, then only its PID is given).
func portHolder(port int) string {
	const tcpTableOwnerPIDListener = 3
	for _, family := range []uint32{windows.AF_INET, windows.AF_INET6} {
		size := uint32(0)
		procGetExtendedTcpTable.Call(0, uintptr(unsafe.Pointer(&size)), 0, uintptr(family), tcpTableOwnerPIDListener, 0)
		if size == 0 {
			continue
		}
		buf := make([]byte, size)
		r, _, _ := procGetExtendedTcpTable.Call(uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&size)), 0,
			uintptr(family), tcpTableOwnerPIDListener, 0)
		if r != 0 || len(buf) < 4 {
			continue
		}
		// MIB_TCPTABLE_OWNER_PID: a count, then rows of 6 DWORDs (state,
		// local addr, local port, remote addr, remote port, pid).
		// MIB_TCP6TABLE_OWNER_PID rows: 16+4+4 local, 16+4+4 remote,
		// state, pid (56 bytes).
		n := int(binary.LittleEndian.Uint32(buf))
		rowSize, portOff, pidOff := 24, 8, 20
		if family == windows.AF_INET6 {
			rowSize, portOff, pidOff = 56, 20, 52
		}
		for i := range n {
			row := 4 + i*rowSize
			if row+rowSize > len(buf) {
				break
			}
			// The port is in network byte order in the low 16 bits.
			p := int(buf[row+portOff])<<8 | int(buf[row+portOff+1])
			if p != port {
				continue
			}
			pid := binary.LittleEndian.Uint32(buf[row+pidOff:])
			if pid == 0 { // not told (Wine gives 0 for every socket)
				return ""
			}
			if name := processName(pid); name != "" {
				return fmt.Sprintf("%s (PID %d)", name, pid)
			}
			return fmt.Sprintf("PID %d", pid)
		}
	}
	return ""
}

// processName is the file name of pid's program, or "".
func processName(pid uint32) string {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, pid)
	if err != nil {
		return ""
	}
	defer windows.CloseHandle(h)
	buf := make([]uint16, windows.MAX_PATH)
	size := uint32(len(buf))
	if err := windows.QueryFullProcessImageName(h, 0, &buf[0], &size); err != nil {
		return ""
	}
	return filepath.Base(windows.UTF16ToString(buf[:size]))
}

// addrInUse reports whether err is "address already in use" (Winsock's
// WSAEADDRINUSE, or the access-denied answer Windows gives for a port
// another program holds exclusively).
func addrInUse(err error) bool {
	return errors.Is(err, windows.WSAEADDRINUSE) || errors.Is(err, syscall.EADDRINUSE) || errors.Is(err, windows.WSAEACCES)
}
