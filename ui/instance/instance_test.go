package instance

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestMain lets the test binary play a first instance in another process
// (TestCrashedInstanceDoesNotBlock).
func TestMain(m *testing.M) {
	if dir := os.Getenv("TOKENTRAY_INSTANCE_CHILD"); dir != "" {
		os.Exit(child(dir))
	}
	os.Exit(m.Run())
}

// child claims dir, prints "claimed", then "shown" for each show, until
// it is killed.
func child(dir string) int {
	g, err := Claim(dir)
	if err != nil {
		fmt.Println("claim:", err)
		return 1
	}
	fmt.Println("claimed")
	g.Serve(context.Background(), func() { fmt.Println("shown") })
	return 0
}

// failAfter bounds every wait for an event; no test sleeps to sync.
const failAfter = 30 * time.Second

// serve runs g.Serve on a goroutine the test owns and stops (g.Close, or
// cancel) before it ends. shows gets one value per show.
func serve(t *testing.T, ctx context.Context, g *Guard) (shows chan struct{}, done chan error) {
	t.Helper()
	shows, done = make(chan struct{}, 16), make(chan error, 1)
	go func() { done <- g.Serve(ctx, func() { shows <- struct{}{} }) }()
	t.Cleanup(func() {
		g.Close()
		<-done
	})
	return shows, done
}

func await[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(failAfter):
		t.Fatalf("no %s after %v", what, failAfter)
		panic("unreachable")
	}
}

func mustClaim(t *testing.T, dir string) *Guard {
	t.Helper()
	g, err := Claim(dir)
	if err != nil {
		t.Fatalf("Claim: %v", err)
	}
	t.Cleanup(func() { g.Close() })
	return g
}

func TestFirstClaimWinsSecondShowsIt(t *testing.T) {
	dir := t.TempDir()
	g := mustClaim(t, dir)
	shows, _ := serve(t, context.Background(), g)
	for i := range 3 {
		if _, err := Claim(dir); !errors.Is(err, ErrRunning) {
			t.Fatalf("claim %d while running: %v, want ErrRunning", i+2, err)
		}
		await(t, shows, "show")
	}
}

func TestShowSentBeforeServeIsKept(t *testing.T) {
	dir := t.TempDir()
	g := mustClaim(t, dir)
	if _, err := Claim(dir); !errors.Is(err, ErrRunning) {
		t.Fatalf("second claim: %v, want ErrRunning", err)
	}
	shows, _ := serve(t, context.Background(), g)
	await(t, shows, "show sent before Serve")
}

func TestCloseStopsServeAndFreesTheClaim(t *testing.T) {
	dir := t.TempDir()
	g, err := Claim(dir)
	if err != nil {
		t.Fatal(err)
	}
	shows, done := serve(t, context.Background(), g)
	if _, err := Claim(dir); !errors.Is(err, ErrRunning) {
		t.Fatalf("second claim: %v, want ErrRunning", err)
	}
	await(t, shows, "show") // Serve runs
	if err := g.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	// Close has waited for Serve's return; the goroutine hands the result
	// on just after it, so receive it (bounded) rather than expect it there.
	if err := await(t, done, "Serve to return after Close"); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	done <- nil // for the cleanup
	if err := g.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := g.Serve(context.Background(), func() { t.Error("show after Close") }); err != nil {
		t.Fatalf("Serve after Close: %v", err)
	}

	again := mustClaim(t, dir)
	shows, _ = serve(t, context.Background(), again)
	if _, err := Claim(dir); !errors.Is(err, ErrRunning) {
		t.Fatalf("claim after the new one: %v, want ErrRunning", err)
	}
	await(t, shows, "show to the new instance")
}

func TestServeStopsWithContext(t *testing.T) {
	dir := t.TempDir()
	g := mustClaim(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	_, done := serve(t, ctx, g)
	cancel()
	if err := await(t, done, "return from Serve after cancel"); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	done <- nil // for the cleanup
	if err := g.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	mustClaim(t, dir)
}

// TestStartServesUntilClose: Start serves on the Guard's own goroutine;
// Close stops it and waits for it (no show after Close), frees the claim,
// and reports nothing wrong; Start after Close serves nothing.
func TestStartServesUntilClose(t *testing.T) {
	dir := t.TempDir()
	g, err := Claim(dir)
	if err != nil {
		t.Fatal(err)
	}
	shows := make(chan struct{}, 16)
	var closed atomic.Bool
	g.Start(func() {
		if closed.Load() {
			t.Error("show after Close")
		}
		shows <- struct{}{}
	})
	if _, err := Claim(dir); !errors.Is(err, ErrRunning) {
		t.Fatalf("second claim: %v, want ErrRunning", err)
	}
	await(t, shows, "show")
	if err := g.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	closed.Store(true)
	g.Start(func() { t.Error("show after Close") })
	again := mustClaim(t, dir) // freed
	shows2, _ := serve(t, context.Background(), again)
	if _, err := Claim(dir); !errors.Is(err, ErrRunning) {
		t.Fatalf("claim after the new one: %v, want ErrRunning", err)
	}
	await(t, shows2, "show to the new instance")
}

// TestCrashedInstanceDoesNotBlock: a first instance in another process
// answers a second launch, is killed (nothing is cleaned up), and then a
// new claim wins.
func TestCrashedInstanceDoesNotBlock(t *testing.T) {
	dir := t.TempDir()
	first := exec.Command(os.Args[0], "-test.run=^$")
	first.Env = append(os.Environ(), "TOKENTRAY_INSTANCE_CHILD="+dir)
	out, err := first.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	first.Stderr = os.Stderr
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() { // owned: ends when the killed child's stdout closes
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- strings.TrimSpace(sc.Text())
		}
	}()
	killed := false
	defer func() {
		if !killed {
			first.Process.Kill()
			for range lines {
			}
			first.Wait()
		}
	}()

	if l := await(t, lines, "line from the first instance"); l != "claimed" {
		t.Fatalf("first instance: %q", l)
	}
	if _, err := Claim(dir); !errors.Is(err, ErrRunning) {
		t.Fatalf("claim while the first runs: %v, want ErrRunning", err)
	}
	if l := await(t, lines, "show in the first instance"); l != "shown" {
		t.Fatalf("first instance: %q, want shown", l)
	}

	if err := first.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	for range lines {
	}
	first.Wait()
	killed = true
	checkLeftover(t, dir)

	g := mustClaim(t, dir)
	shows, _ := serve(t, context.Background(), g)
	if _, err := Claim(dir); !errors.Is(err, ErrRunning) {
		t.Fatalf("claim after the new one: %v, want ErrRunning", err)
	}
	await(t, shows, "show to the new instance")
}

// TestOnlyShowIsAccepted: anything but "show\n" as the first line is
// dropped, including a client that sends nothing and holds on; the
// instance keeps serving.
func TestOnlyShowIsAccepted(t *testing.T) {
	dir := t.TempDir()
	g := mustClaim(t, dir)
	shows, _ := serve(t, context.Background(), g)

	silent, err := dial(dir)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer silent.Close()
	for _, msg := range []string{
		"", "show", "SHOW\n", "show \n", "show\r\n", "shows\n", " show\n", "\nshow\n",
		"hello\n", "token\n", strings.Repeat("x", 100) + "show\n", strings.Repeat("x", 100000),
	} {
		c, err := dial(dir)
		if err != nil {
			t.Fatalf("dial for %.20q: %v", msg, err)
		}
		io.WriteString(c, msg) // the big one may be cut off: fine
		c.Close()
	}
	// Connections are served in order: once this show arrives, every
	// message above has been judged.
	if _, err := Claim(dir); !errors.Is(err, ErrRunning) {
		t.Fatalf("claim: %v, want ErrRunning", err)
	}
	await(t, shows, "show after the rejected messages")
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	if n := len(shows); n != 0 {
		t.Fatalf("%d more shows: something other than show was accepted", n)
	}
}

// TestOneInstancePerConfigFolder: in one user session (one
// XDG_RUNTIME_DIR), apps for two config folders are two first instances,
// each shown by its own second launch; for one folder, however its path is
// written, a later launch is a second instance and shows the first.
func TestOneInstancePerConfigFolder(t *testing.T) {
	run, err := os.MkdirTemp("", "tt-run") // short: unix socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(run) })
	t.Setenv("XDG_RUNTIME_DIR", run)
	a, b := t.TempDir(), t.TempDir()
	sep := string(filepath.Separator)

	ga := mustClaim(t, Dir(a))
	showsA, _ := serve(t, context.Background(), ga)
	gb, err := Claim(Dir(b))
	if err != nil {
		t.Fatalf("claim for a second config folder: %v, want a first instance of its own", err)
	}
	showsB, _ := serve(t, context.Background(), gb)

	for _, again := range []struct {
		dir   string
		shows chan struct{}
	}{
		{a, showsA},
		{b + sep, showsB},
		{a + sep + "sub" + sep + "..", showsA},
	} {
		if _, err := Claim(Dir(again.dir)); !errors.Is(err, ErrRunning) {
			t.Fatalf("second launch for %s: %v, want ErrRunning", again.dir, err)
		}
		await(t, again.shows, "show in the instance of "+again.dir)
	}
	if len(showsA)+len(showsB) != 0 {
		t.Errorf("%d shows too many: a launch showed another folder's instance", len(showsA)+len(showsB))
	}
}
