// Package instance makes Tokentray a single-instance app for each user: the
// first launch claims an endpoint that only the same user can reach; a
// later launch finds it taken, sends the one command "show" through it, and
// is told ErrRunning. The endpoint takes that command and nothing else, and
// never hands anything out.
//
// On Linux and other unix systems the endpoint is a lock file (flock) and a
// unix socket in a directory of mode 0700. On Windows it is a named pipe,
// \\.\pipe\tokentray-<user SID>-<hash of dir>, created as the first
// instance of that name, with a security descriptor that lets only the
// current user open it, and refusing remote clients; it disappears with
// the process that made it.
package instance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// ErrRunning is returned by Claim when another instance runs; it has been
// asked to show its window.
var ErrRunning = errors.New("tokentray is already running")

// showCommand is the whole of what the endpoint understands.
const showCommand = "show\n"

const (
	// readTimeout bounds how long the running instance waits for a
	// connected client to send its command.
	readTimeout = 2 * time.Second
	// dialTimeout bounds how long a later launch tries to reach the
	// running instance.
	dialTimeout = 5 * time.Second
	// maxCommand bounds what the running instance reads from a client.
	maxCommand = 64
)

// Dir is the per-user directory for the instance endpoint of the app whose
// configuration is in configDir, one per config folder:
// $XDG_RUNTIME_DIR/tokentray/<folderHash(configDir)>, else configDir. An
// app started for another folder (TOKENTRAY_CONFIG_DIR) is an instance of
// its own, not a second launch of the first; the app's other endpoints
// there (ui/accounts' token.sock) are the folder's too. (On Windows it
// names the instance: the pipe's name includes its hash.)
func Dir(configDir string) string {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		return filepath.Join(d, "tokentray", folderHash(configDir))
	}
	return configDir
}

// folderHash is 16 hex digits of the SHA-256 of dir's absolute, cleaned
// path (lower-cased on Windows, whose paths ignore case): one folder
// however its path is written, and short, so that a socket's path in Dir
// stays far under the 108 bytes a unix socket's address may have
// ($XDG_RUNTIME_DIR is /run/user/UID: some 60 bytes in all).
func folderHash(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	dir = filepath.Clean(dir)
	if runtime.GOOS == "windows" {
		dir = strings.ToLower(dir)
	}
	sum := sha256.Sum256([]byte(dir))
	return hex.EncodeToString(sum[:8])
}

// Guard is the running instance's hold on its endpoint. Its methods may be
// called from any goroutine.
type Guard struct {
	ep *endpoint // per platform

	mu       sync.Mutex
	closed   bool
	serving  sync.WaitGroup // Serve, and the goroutine Start made
	startErr error          // how the goroutine Start made ended
}

// Claim makes the caller the running instance for dir (see Dir), or, if
// another instance holds it, asks that one to show its window and returns
// ErrRunning. An instance that ended without Close (a crash) does not
// block a new claim. The caller must Close the Guard.
func Claim(dir string) (*Guard, error) {
	ep, err := claim(dir)
	if err != nil {
		return nil, err
	}
	return &Guard{ep: ep}, nil
}

// Serve calls show, on Serve's goroutine, for each "show" a later launch
// sends, until ctx is done or Close is called; then it returns nil, and
// later calls return at once. Call it once, on a goroutine the caller owns
// (or let Start own one). A command sent between Claim and Serve is kept
// for Serve. It returns an error if the endpoint fails for another reason.
func (g *Guard) Serve(ctx context.Context, show func()) error {
	if !g.enter() {
		return nil
	}
	defer g.serving.Done()
	return g.serve(ctx, show)
}

// Start serves as Serve does, on a goroutine the Guard owns, until Close,
// which stops that goroutine, waits for it, and returns its error (the
// endpoint failing while serving). Call Start or Serve, once; after Close,
// Start does nothing.
func (g *Guard) Start(show func()) {
	if !g.enter() {
		return
	}
	go func() {
		defer g.serving.Done()
		err := g.serve(context.Background(), show)
		g.mu.Lock()
		g.startErr = err
		g.mu.Unlock()
	}()
}

// enter counts a server in, unless the Guard is closed.
func (g *Guard) enter() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.serving.Add(1)
	return true
}

// serve runs the endpoint's server until ctx ends or Close interrupts it.
func (g *Guard) serve(ctx context.Context, show func()) error {
	interrupted := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(interrupted)
		g.ep.interrupt()
	})
	defer func() {
		if !stop() {
			<-interrupted // the interrupt ran or runs: let it end
		}
	}()
	return g.ep.serve(show)
}

// Close stops Serve (or Start's goroutine), waits for it to return (so
// show is not called after Close returns), and gives up the endpoint so
// that a new Claim wins. Its error is Start's goroutine's, if the endpoint
// failed while serving, and giving up the endpoint's. It may be called
// more than once.
func (g *Guard) Close() error {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return nil
	}
	g.closed = true
	g.mu.Unlock()
	g.ep.interrupt()
	g.serving.Wait()
	g.mu.Lock()
	served := g.startErr
	g.mu.Unlock()
	return errors.Join(served, g.ep.close())
}
