package tray

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// instance makes Tokentray a single-instance app: the first launch holds a
// lock file and listens on a unix socket; a second launch sends "show" and
// exits. Both live in a per-user directory with mode 0700. The socket takes
// that one command and never hands out anything.
type instance struct {
	lock *flock.Flock
	ln   net.Listener
}

// instanceDir is $XDG_RUNTIME_DIR/tokentray, else the config dir.
func instanceDir(configDir string) string {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		return filepath.Join(d, "tokentray")
	}
	return configDir
}

// errRunning: another instance runs and was asked to show its window.
var errRunning = errors.New("tokentray is already running")

// claim becomes the running instance, or tells the running one to show
// itself and returns errRunning.
func claim(dir string) (*instance, error) {
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
		c, err := net.DialTimeout("unix", sock, 2*time.Second)
		if err != nil {
			return nil, fmt.Errorf("another Tokentray is starting or stuck: %w", err)
		}
		defer c.Close()
		fmt.Fprintln(c, "show")
		return nil, errRunning
	}
	os.Remove(sock) // left by a crash: we hold the lock, so it is stale
	ln, err := net.Listen("unix", sock)
	if err != nil {
		l.Unlock()
		return nil, fmt.Errorf("instance socket: %w", err)
	}
	return &instance{lock: l, ln: ln}, nil
}

// serve calls show for each "show" received, until close.
func (in *instance) serve(show func()) {
	for {
		c, err := in.ln.Accept()
		if err != nil {
			return // closed
		}
		c.SetDeadline(time.Now().Add(2 * time.Second))
		line, _ := bufio.NewReader(c).ReadString('\n')
		c.Close()
		if line == "show\n" {
			show()
		}
	}
}

func (in *instance) close() {
	in.ln.Close()
	in.lock.Unlock()
}
