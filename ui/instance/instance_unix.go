//go:build !windows

package instance

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gofrs/flock"
)

// endpoint: a lock file held with flock and a unix socket beside it, in a
// directory of mode 0700. The kernel drops the lock when the process ends;
// a socket left by a crash is removed by the next holder of the lock.
type endpoint struct {
	lock *flock.Flock
	ln   *net.UnixListener

	mu      sync.Mutex
	stopped bool
	conn    net.Conn // the client being read, if any
}

// longAgo is a deadline that has passed: it wakes blocked calls at once.
var longAgo = time.Unix(1, 0)

func claim(dir string) (*endpoint, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("instance dir: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("instance dir: %w", err)
	}
	sock := filepath.Join(dir, "instance.sock")
	l := flock.New(filepath.Join(dir, "instance.lock"), flock.SetPermissions(0o600))
	ok, err := l.TryLock()
	if err != nil {
		return nil, fmt.Errorf("instance lock: %w", err)
	}
	if !ok {
		c, err := dial(dir)
		if err != nil {
			return nil, fmt.Errorf("another Tokentray is starting or stuck: %w", err)
		}
		defer c.Close()
		io.WriteString(c, showCommand)
		return nil, ErrRunning
	}
	os.Remove(sock) // left by a crash: we hold the lock, so it is stale
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		l.Unlock()
		return nil, fmt.Errorf("instance socket: %w", err)
	}
	return &endpoint{lock: l, ln: ln}, nil
}

// dial connects to the running instance of dir.
func dial(dir string) (io.WriteCloser, error) {
	return net.DialTimeout("unix", filepath.Join(dir, "instance.sock"), dialTimeout)
}

func (e *endpoint) serve(show func()) error {
	for {
		c, err := e.ln.Accept()
		if err != nil {
			if e.isStopped() {
				return nil
			}
			return fmt.Errorf("instance socket: %w", err)
		}
		e.mu.Lock()
		if e.stopped {
			e.mu.Unlock()
			c.Close()
			return nil
		}
		e.conn = c
		c.SetDeadline(time.Now().Add(readTimeout))
		e.mu.Unlock()

		line, _ := bufio.NewReader(io.LimitReader(c, maxCommand)).ReadString('\n')
		e.mu.Lock()
		e.conn = nil
		e.mu.Unlock()
		c.Close()
		if line == showCommand && !e.isStopped() {
			show()
		}
	}
}

func (e *endpoint) isStopped() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stopped
}

// interrupt wakes serve's Accept or read for good.
func (e *endpoint) interrupt() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stopped = true
	e.ln.SetDeadline(longAgo)
	if e.conn != nil {
		e.conn.SetDeadline(longAgo)
	}
}

// close removes the socket, then lets go of the lock.
func (e *endpoint) close() error {
	err := e.ln.Close()
	if uerr := e.lock.Unlock(); err == nil {
		err = uerr
	}
	return err
}
