package system_test

import (
	"context"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/system"
)

// silentBus is a session bus address whose socket takes connections and
// never says a word, as a hung bus daemon would. It is gone when the test
// ends.
func silentBus(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bus")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
		done  = make(chan struct{})
	)
	go func() { // owned: ends when the listener closes
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return "unix:path=" + path
}

// TestProbeSessionOnASilentBus: a bus that never answers does not hold up
// the app's start: the probe gives up when its context ends (and within
// ProbeTimeout whatever the context), and there is no tray host.
func TestProbeSessionOnASilentBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", silentBus(t))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := system.ProbeSession(ctx); err == nil {
		t.Fatal("a bus that never answered was probed")
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("with a 200 ms context, the probe took %v", took)
	}
	start = time.Now() // at start-up: no deadline but the probe's own
	if system.TrayHostPresent(context.Background()) {
		t.Error("a silent bus has a tray host")
	}
	if took := time.Since(start); took > system.ProbeTimeout+5*time.Second {
		t.Errorf("the tray-host probe took %v", took)
	}
}

// TestProbeSessionWithoutBus: no bus at all is an error, and no tray host.
func TestProbeSessionWithoutBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "none"))
	if _, err := system.ProbeSession(context.Background()); err == nil {
		t.Error("no bus, and no error")
	}
	if system.TrayHostPresent(context.Background()) {
		t.Error("no bus, yet a tray host")
	}
}

// TestProbeSession: the test session's bus answers.
func TestProbeSession(t *testing.T) {
	storetest.RequireSession(t)
	if _, err := system.ProbeSession(context.Background()); err != nil {
		t.Fatalf("the session's bus: %v", err)
	}
}
