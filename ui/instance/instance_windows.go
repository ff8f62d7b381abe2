package instance

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// endpoint: one named pipe instance, inbound only, made with
// FILE_FLAG_FIRST_PIPE_INSTANCE so that making it is the claim. Only the
// current user may open it (its DACL), remote clients are refused
// (PIPE_REJECT_REMOTE_CLIENTS), and it has one instance, so nobody can
// add another. It goes away with the process: a crash leaves nothing.
type endpoint struct {
	pipe windows.Handle
	stop windows.Handle // manual-reset event: set by interrupt, for good
	ov   *windows.Overlapped
	buf  *[maxCommand]byte // ov and buf are on the heap: the kernel writes to them
}

func claim(dir string) (*endpoint, error) {
	name, sid, err := pipeName(dir)
	if err != nil {
		return nil, err
	}
	// Owner and only ACE: the current user. P: inherit nothing.
	sd, err := windows.SecurityDescriptorFromString("O:" + sid + "D:P(A;;GA;;;" + sid + ")")
	if err != nil {
		return nil, fmt.Errorf("instance pipe security: %w", err)
	}
	sa := &windows.SecurityAttributes{SecurityDescriptor: sd}
	sa.Length = uint32(unsafe.Sizeof(*sa))
	name16, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return nil, err
	}
	pipe, err := windows.CreateNamedPipe(name16,
		windows.PIPE_ACCESS_INBOUND|windows.FILE_FLAG_OVERLAPPED|windows.FILE_FLAG_FIRST_PIPE_INSTANCE,
		windows.PIPE_TYPE_BYTE|windows.PIPE_READMODE_BYTE|windows.PIPE_WAIT|windows.PIPE_REJECT_REMOTE_CLIENTS,
		1, 0, 512, 0, sa)
	switch {
	case err == windows.ERROR_ACCESS_DENIED, err == windows.ERROR_PIPE_BUSY, err == windows.ERROR_ALREADY_EXISTS:
		// The name is taken: by our running instance, we check.
		c, err := dial(dir)
		if errors.Is(err, errNotOurs) {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if err != nil {
			return nil, fmt.Errorf("another Tokentray is starting or stuck: %w", err)
		}
		defer c.Close()
		io.WriteString(c, showCommand)
		return nil, ErrRunning
	case err != nil:
		return nil, fmt.Errorf("instance pipe: %w", err)
	}
	e := &endpoint{pipe: pipe, ov: new(windows.Overlapped), buf: new([maxCommand]byte)}
	if e.ov.HEvent, err = windows.CreateEvent(nil, 1, 0, nil); err == nil {
		e.stop, err = windows.CreateEvent(nil, 1, 0, nil)
	}
	if err != nil {
		e.close()
		return nil, fmt.Errorf("instance pipe: %w", err)
	}
	return e, nil
}

// pipeName is \\.\pipe\tokentray-<SID>-<folderHash(dir)>, and the current
// user's SID. Windows paths ignore case, so does the hash.
func pipeName(dir string) (name, sid string, err error) {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return "", "", fmt.Errorf("instance pipe: current user: %w", err)
	}
	sid = u.User.Sid.String()
	return `\\.\pipe\tokentray-` + sid + "-" + folderHash(dir), sid, nil
}

var (
	kernel32          = windows.NewLazySystemDLL("kernel32.dll")
	procWaitNamedPipe = kernel32.NewProc("WaitNamedPipeW")
)

// pipeClient is the writing end held by a later launch.
type pipeClient struct{ h windows.Handle }

func (c pipeClient) Write(p []byte) (int, error) {
	var n uint32
	err := windows.WriteFile(c.h, p, &n, nil)
	return int(n), err
}

func (c pipeClient) Close() error { return windows.CloseHandle(c.h) }

// dial opens the running instance's pipe for writing, waiting while it is
// busy with another client, and checks that the pipe is the current
// user's (not one another user made first under our name). The client
// allows the pipe's server to identify it, not to act as it.
func dial(dir string) (io.WriteCloser, error) {
	name, sid, err := pipeName(dir)
	if err != nil {
		return nil, err
	}
	name16, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(dialTimeout)
	for {
		h, err := windows.CreateFile(name16, windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING,
			windows.SECURITY_SQOS_PRESENT|windows.SECURITY_IDENTIFICATION, 0)
		if err == nil {
			if err := checkOwner(h, sid); err != nil {
				windows.CloseHandle(h)
				return nil, err
			}
			return pipeClient{h}, nil
		}
		left := time.Until(deadline)
		if err != windows.ERROR_PIPE_BUSY || left <= 0 {
			return nil, err
		}
		// Busy with another client: wait for it (bounded), then try again.
		procWaitNamedPipe.Call(uintptr(unsafe.Pointer(name16)), uintptr(left.Milliseconds()+1))
	}
}

// errNotOurs: the pipe's name is taken by a pipe another user owns.
var errNotOurs = errors.New("the instance pipe belongs to another user")

func checkOwner(h windows.Handle, sid string) error {
	sd, err := windows.GetSecurityInfo(h, windows.SE_KERNEL_OBJECT, windows.OWNER_SECURITY_INFORMATION)
	if err != nil {
		return fmt.Errorf("instance pipe owner: %w", err)
	}
	owner, _, err := sd.Owner()
	if err != nil {
		return fmt.Errorf("instance pipe owner: %w", err)
	}
	if owner == nil || owner.String() != sid {
		return errNotOurs
	}
	return nil
}

// errStopped: a wait was interrupted.
var errStopped = errors.New("instance pipe: stopped")

// errTimeout: a client did not send its command in time.
var errTimeout = errors.New("instance pipe: timed out")

func (e *endpoint) serve(show func()) error {
	for {
		if err := e.connect(); err != nil {
			if err == errStopped {
				return nil
			}
			return fmt.Errorf("instance pipe: %w", err)
		}
		line, err := e.readLine()
		windows.DisconnectNamedPipe(e.pipe)
		if err == errStopped {
			return nil
		}
		if line == showCommand && !e.isStopped() {
			show()
		}
	}
}

// connect waits for a client. One that connected, or even wrote and left,
// before connect was called counts as connected: its command is read.
func (e *endpoint) connect() error {
	windows.ResetEvent(e.ov.HEvent)
	switch err := windows.ConnectNamedPipe(e.pipe, e.ov); err {
	case nil, windows.ERROR_PIPE_CONNECTED, windows.ERROR_NO_DATA:
		return nil
	case windows.ERROR_IO_PENDING:
		switch _, err := e.wait(windows.INFINITE); err {
		case windows.ERROR_PIPE_CONNECTED, windows.ERROR_NO_DATA:
			return nil
		default:
			return err
		}
	default:
		return err
	}
}

// readLine reads up to the first newline (included), maxCommand bytes,
// the client's end, or readTimeout, whichever comes first.
func (e *endpoint) readLine() (string, error) {
	deadline := time.Now().Add(readTimeout)
	var line []byte
	for len(line) < maxCommand {
		left := time.Until(deadline)
		if left <= 0 {
			return "", errTimeout
		}
		windows.ResetEvent(e.ov.HEvent)
		err := windows.ReadFile(e.pipe, e.buf[:maxCommand-len(line)], nil, e.ov)
		var n uint32
		if err == nil || err == windows.ERROR_IO_PENDING {
			n, err = e.wait(uint32(left.Milliseconds()) + 1)
		}
		if err == windows.ERROR_BROKEN_PIPE {
			break // the client wrote all it had and left
		}
		if err != nil {
			return "", err
		}
		line = append(line, e.buf[:n]...)
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			return string(line[:i+1]), nil
		}
	}
	return string(line), nil
}

// wait waits for the pending operation on e.ov, up to ms milliseconds or
// until interrupted; then the operation is cancelled and waited for, so that
// the kernel is done with e.ov and e.buf whatever wait returns.
func (e *endpoint) wait(ms uint32) (uint32, error) {
	ev, err := windows.WaitForMultipleObjects([]windows.Handle{e.stop, e.ov.HEvent}, false, ms)
	var n uint32
	switch {
	case err == nil && ev == windows.WAIT_OBJECT_0+1:
		err := windows.GetOverlappedResult(e.pipe, e.ov, &n, false)
		return n, err
	case err == nil && ev == windows.WAIT_OBJECT_0:
		err = errStopped
	case err == nil:
		err = errTimeout
	}
	windows.CancelIoEx(e.pipe, e.ov)
	windows.GetOverlappedResult(e.pipe, e.ov, &n, true)
	return 0, err
}

func (e *endpoint) isStopped() bool {
	ev, err := windows.WaitForSingleObject(e.stop, 0)
	return err == nil && ev == windows.WAIT_OBJECT_0
}

// interrupt wakes serve's waits for good.
func (e *endpoint) interrupt() { windows.SetEvent(e.stop) }

// close closes the pipe (its name is free at once) and the events.
func (e *endpoint) close() error {
	err := windows.CloseHandle(e.pipe)
	for _, h := range []windows.Handle{e.ov.HEvent, e.stop} {
		if h != 0 {
			windows.CloseHandle(h)
		}
	}
	return err
}
