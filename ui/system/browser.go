package system

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/pkg/browser"
)

// BrowserEnv names the environment variable that names the program to open
// sign-in pages with, instead of the system's browser (wslview on WSL; the
// tests' headless browser).
const BrowserEnv = "TOKENTRAY_BROWSER"

// browserGrace is how long a program the Browser started has to end after
// Close asked it to, before it is killed.
const browserGrace = 3 * time.Second

// ErrBrowserClosed is Open after Close.
var ErrBrowserClosed = errors.New("the browser launcher is closed")

// Browser opens sign-in pages: with the program $TOKENTRAY_BROWSER names,
// which gets the address as its one argument, else with the system's
// browser (github.com/pkg/browser: xdg-open or the like, open on macOS,
// the URL handler on Windows), their output discarded.
//
// A program named by TOKENTRAY_BROWSER is waited for (reaped) on a
// goroutine the Browser owns, so that none is left a zombie, and Open
// returns once it started: a launcher that stays as the browser window
// does never holds up the sign-in. Close asks those still running to end
// (SIGTERM; on Windows they are killed), kills them after a few seconds,
// and waits for the goroutines: name a launcher that hands the page to the
// browser and returns (xdg-open, wslview), not the browser itself. The
// system's launcher is run to its end by Open (auth.Connect runs Open on a
// goroutine of its own while it waits); its failure is Open's error.
//
// Its methods may be called from any goroutine. The caller must Close it.
type Browser struct {
	prog   string
	ctx    context.Context // ends the programs started, on Close
	cancel context.CancelFunc

	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup // the goroutines waiting for programs started
}

// NewBrowser is the browser for this process's environment
// ($TOKENTRAY_BROWSER, read now).
func NewBrowser() *Browser {
	ctx, cancel := context.WithCancel(context.Background())
	return &Browser{prog: os.Getenv(BrowserEnv), ctx: ctx, cancel: cancel}
}

// Open opens u; it is auth.ConnectOptions.Open.
func (b *Browser) Open(u string) error {
	if b.prog == "" {
		quietBrowser.Do(func() { browser.Stdout, browser.Stderr = io.Discard, io.Discard })
		if err := browser.OpenURL(u); err != nil {
			return fmt.Errorf("open the system browser: %w", err)
		}
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return ErrBrowserClosed
	}
	c := exec.CommandContext(b.ctx, b.prog, u) // no Stdout, Stderr: the null device
	c.Cancel = func() error { return terminate(c.Process) }
	c.WaitDelay = browserGrace
	if err := c.Start(); err != nil {
		return fmt.Errorf("start %s: %w", b.prog, err)
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		c.Wait() //nolint:errcheck // how the launcher ended is not the sign-in's business
	}()
	return nil
}

// Close ends the programs Open started that still run (see Browser) and
// waits for them; a later Open of $TOKENTRAY_BROWSER is ErrBrowserClosed.
// It may be called more than once.
func (b *Browser) Close() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.cancel()
	b.wg.Wait()
}

// quietBrowser keeps the system launcher's chatter (xdg-open may echo the
// address) out of Tokentray's output, once for the process.
var quietBrowser sync.Once

// terminate asks p to end: SIGTERM, where there are signals.
func terminate(p *os.Process) error {
	if runtime.GOOS == "windows" {
		return p.Kill()
	}
	return p.Signal(syscall.SIGTERM)
}
