//go:build windows

package title_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/tokentray/tokentray/ui/system/title"
)

var (
	user32            = windows.NewLazySystemDLL("user32.dll")
	procCreateWindowW = user32.NewProc("CreateWindowExW")
	procSetWindowText = user32.NewProc("SetWindowTextW")
)

// windowsChild is the other program of the test: it opens top-level windows
// with the titles given on its command line, says "ready", then retitles
// window N to TEXT for each line "N TEXT" on its standard input, answering
// "done" each time, until its input closes. Another process, as a browser
// is: titles are read across processes, as Tokentray reads the browser's.
func windowsChild(titles []string) {
	runtime.LockOSThread()
	var hwnds []uintptr
	for _, t := range titles {
		cls, _ := windows.UTF16PtrFromString("STATIC")
		name, _ := windows.UTF16PtrFromString(t)
		const wsOverlappedWindow, wsVisible = 0x00CF0000, 0x10000000
		h, _, err := procCreateWindowW.Call(0, uintptr(unsafe.Pointer(cls)), uintptr(unsafe.Pointer(name)),
			wsOverlappedWindow|wsVisible, 10, 10, 300, 100, 0, 0, 0, 0)
		if h == 0 {
			fmt.Println("create window:", err)
			os.Exit(1)
		}
		hwnds = append(hwnds, h)
	}
	fmt.Println("ready")
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		var n int
		var text string
		if _, err := fmt.Sscanf(sc.Text(), "%d", &n); err != nil || n >= len(hwnds) {
			os.Exit(2)
		}
		text = strings.SplitN(sc.Text(), " ", 2)[1]
		p, _ := windows.UTF16PtrFromString(text)
		procSetWindowText.Call(hwnds[n], uintptr(unsafe.Pointer(p)))
		fmt.Println("done")
	}
	os.Exit(0)
}

func TestMain(m *testing.M) {
	if titles := os.Getenv("TOKENTRAY_WINDOWS_CHILD"); titles != "" {
		windowsChild(strings.Split(titles, "\n"))
	}
	os.Exit(m.Run())
}

// child starts windowsChild with the given titles and returns a function
// that retitles window n and waits until it is done.
func child(t *testing.T, titles ...string) func(n int, text string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "TOKENTRAY_WINDOWS_CHILD="+strings.Join(titles, "\n"))
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close(); cmd.Wait() })
	out := bufio.NewReader(outPipe)
	expect := func(want string) {
		line, err := out.ReadString('\n')
		if strings.TrimSpace(line) != want {
			t.Fatalf("window program said %q (%v), want %q", line, err, want)
		}
	}
	expect("ready")
	return func(n int, text string) {
		if _, err := io.WriteString(in, fmt.Sprintf("%d %s\n", n, text)); err != nil {
			t.Fatal(err)
		}
		expect("done")
	}
}

// startedWatcher signals once the first Titles call (Feed's snapshot of
// the titles already up) has returned.
type startedWatcher struct {
	title.Watcher
	started chan struct{}
	calls   int
}

func (w *startedWatcher) Titles(ctx context.Context) ([]string, error) {
	ts, err := w.Watcher.Titles(ctx)
	if w.calls++; w.calls == 1 {
		close(w.started)
	}
	return ts, err
}

// TestWindowsTitles: the Windows watcher (EnumWindows + GetWindowTextW)
// reads another program's window titles, and Feed passes on a window
// retitled "Success code=…" once, while a title already up when the watch
// started and unrelated windows whose titles contain "code=" are left alone.
func TestWindowsTitles(t *testing.T) {
	const stale = "Success code=OLD-ATTEMPT - Google Chrome"
	retitle := child(t, "Inbox - re: your code=12345 - Outlook", "Command Prompt - set code=abc", stale, "New Tab - Google Chrome")

	w, err := title.Open()
	if err != nil {
		t.Fatalf("open the Windows watcher: %v", err)
	}
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	titles, err := w.Titles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{stale, "New Tab - Google Chrome", "Command Prompt - set code=abc"} {
		if !slices.Contains(titles, want) {
			t.Fatalf("titles %q do not include the other program's window %q", titles, want)
		}
	}

	sw := &startedWatcher{Watcher: w, started: make(chan struct{})}
	out := make(chan string, 8)
	done := make(chan error, 1)
	feedCtx, stop := context.WithCancel(ctx)
	go func() { done <- title.Feed(feedCtx, sw, 10*time.Millisecond, out) }()
	<-sw.started

	retitle(0, "Inbox - Success code=not-a-browser-title? no: re: code=9")
	retitle(1, "Command Prompt - echo Success code=XYZ")
	retitle(3, "Success code=NEW-CODE - Google Chrome")
	select {
	case got := <-out:
		if got != "Success code=NEW-CODE - Google Chrome" {
			t.Errorf("first title passed on: %q, want the retitled browser window", got)
		}
	case <-ctx.Done():
		t.Fatal("the retitled window was not seen")
	}
	retitle(3, "Failure error=access_denied - Google Chrome")
	select {
	case got := <-out:
		if got != "Failure error=access_denied - Google Chrome" {
			t.Errorf("second title passed on: %q", got)
		}
	case <-ctx.Done():
		t.Fatal("the declined title was not seen")
	}
	stop()
	<-done
	close(out)
	for extra := range out {
		t.Errorf("also passed on: %q", extra)
	}
}
