package storetest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// Keyring is a private D-Bus session bus with a gnome-keyring Secret
// Service on it, owned by one test, so that the test can stop, restart and
// lock the keyring without touching the session's. Programs use it through
// Env (run them as child processes: go-keyring keeps its first bus).
type Keyring struct {
	// Env is the environment of a child process that uses this keyring:
	// the bus address, a HOME of its own, and no display (so no password
	// prompt can appear).
	Env []string

	t      *testing.T
	dir    string
	addr   string
	bus    *exec.Cmd
	daemon *exec.Cmd

	daemonExited chan error
}

const secretsName = "org.freedesktop.secrets"

// busConfig is a session bus with no service activation: a stopped keyring
// stays stopped (the system's session bus would start it again).
const busConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`

// StartKeyring starts a private bus and an unlocked keyring on it; both
// stop when the test ends.
func StartKeyring(t *testing.T) *Keyring {
	t.Helper()
	RequireSession(t)
	dir, err := os.MkdirTemp("", "tt-kr") // short: unix socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	k := &Keyring{t: t, dir: dir}
	t.Cleanup(func() {
		k.Stop()
		if k.bus != nil {
			k.bus.Process.Kill()
			k.bus.Wait()
		}
		os.RemoveAll(dir)
	})
	for _, d := range []string{"home", "run"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	conf := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, busConfig, filepath.Join(dir, "bus")), 0o600); err != nil {
		t.Fatal(err)
	}
	k.bus = exec.Command("dbus-daemon", "--config-file="+conf, "--nofork", "--print-address=1")
	out, err := k.bus.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := k.bus.Start(); err != nil {
		t.Fatalf("start a private bus: %v", err)
	}
	line, err := bufio.NewReader(out).ReadString('\n') // printed once it listens
	if err != nil {
		t.Fatalf("private bus: %v", err)
	}
	k.addr = strings.TrimSpace(line)
	k.Env = append(withoutVars(os.Environ(), "DBUS_SESSION_BUS_ADDRESS", "HOME", "XDG_RUNTIME_DIR", "DISPLAY", "WAYLAND_DISPLAY"),
		"DBUS_SESSION_BUS_ADDRESS="+k.addr, "HOME="+filepath.Join(dir, "home"), "XDG_RUNTIME_DIR="+filepath.Join(dir, "run"))
	k.Start()
	return k
}

func withoutVars(env []string, names ...string) []string {
	var out []string
next:
	for _, kv := range env {
		for _, n := range names {
			if strings.HasPrefix(kv, n+"=") {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}

// Start starts the keyring daemon (again), unlocking its login keyring with
// the password, and returns once it serves the Secret Service.
func (k *Keyring) Start() {
	k.t.Helper()
	conn, err := dbus.Connect(k.addr)
	if err != nil {
		k.t.Fatalf("connect to the private bus: %v", err)
	}
	defer conn.Close()
	if err := conn.AddMatchSignal(dbus.WithMatchInterface("org.freedesktop.DBus"),
		dbus.WithMatchMember("NameOwnerChanged"), dbus.WithMatchArg(0, secretsName)); err != nil {
		k.t.Fatal(err)
	}
	signals := make(chan *dbus.Signal, 8)
	conn.Signal(signals)

	k.daemon = exec.Command("gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets",
		"--control-directory="+filepath.Join(k.dir, "run", "keyring"))
	k.daemon.Env = k.Env
	k.daemon.Stdin = strings.NewReader("tokentray-test")
	if err := k.daemon.Start(); err != nil {
		k.t.Fatalf("start gnome-keyring-daemon: %v", err)
	}
	exited := make(chan error, 1)
	go func(c *exec.Cmd) { exited <- c.Wait() }(k.daemon)
	k.daemonExited = exited

	var has bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, secretsName).Store(&has); err != nil {
		k.t.Fatal(err)
	}
	timeout := time.After(20 * time.Second)
	for !has {
		select {
		case s := <-signals:
			if len(s.Body) == 3 && s.Body[2] != "" {
				has = true
			}
		case err := <-exited:
			k.t.Fatalf("gnome-keyring-daemon exited: %v", err)
		case <-timeout:
			k.t.Fatal("gnome-keyring-daemon did not take its bus name in 20 s")
		}
	}
}

// Stop kills the keyring daemon (as a crash would) and waits for it.
func (k *Keyring) Stop() {
	if k.daemon == nil {
		return
	}
	k.daemon.Process.Kill()
	<-k.daemonExited
	k.daemon = nil
}

// Lock locks the login keyring, as the desktop does on a screen lock.
func (k *Keyring) Lock() {
	k.t.Helper()
	conn, err := dbus.Connect(k.addr)
	if err != nil {
		k.t.Fatal(err)
	}
	defer conn.Close()
	var locked []dbus.ObjectPath
	var prompt dbus.ObjectPath
	err = conn.Object(secretsName, "/org/freedesktop/secrets").Call("org.freedesktop.Secret.Service.Lock", 0,
		[]dbus.ObjectPath{"/org/freedesktop/secrets/collection/login"}).Store(&locked, &prompt)
	if err != nil || len(locked) != 1 {
		k.t.Fatalf("lock the keyring: %v (locked %v, prompt %v)", err, locked, prompt)
	}
}
