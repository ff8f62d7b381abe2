//go:build linux

package auth_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store/storetest"
)

// devtools is a headless Chromium driven over the Chrome DevTools Protocol
// on --remote-debugging-pipe: Chromium reads commands on its fd 3 and
// writes answers and events on its fd 4, each a JSON message ended by NUL.
type devtools struct {
	t       *testing.T
	w       *os.File
	next    int
	msgs    chan devtoolsMessage // from the reader; closed when Chromium's end closes
	session string               // the page's session (Target.attachToTarget, flat)
}

type devtoolsMessage struct {
	ID     int             `json:"id"`
	Method string          `json:"method"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// startChromium starts headless Chromium on about:blank with a fresh
// profile, attached to its page; it is killed (with its helpers) when the
// test ends.
func startChromium(t *testing.T) *devtools {
	t.Helper()
	storetest.RequireSession(t) // its own HOME, D-Bus and display: never the user's
	if _, err := exec.LookPath("chromium"); err != nil {
		storetest.Missing(t, "chromium", "make test-deps")
	}
	cmdR, cmdW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	c := exec.Command("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
		"--no-default-browser-check", "--password-store=basic", "--user-data-dir="+t.TempDir(),
		"--remote-debugging-pipe", "about:blank")
	c.ExtraFiles = []*os.File{cmdR, outW} // fd 3, fd 4
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr strings.Builder
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	cmdR.Close()
	outW.Close()
	d := &devtools{t: t, w: cmdW, msgs: make(chan devtoolsMessage, 64)}
	stop := make(chan struct{})
	read := make(chan struct{})
	go func() { // owned: ends when Chromium's end of the pipe closes
		defer close(read)
		defer close(d.msgs)
		r := bufio.NewReader(outR)
		for {
			b, err := r.ReadBytes(0)
			if err != nil {
				return
			}
			var m devtoolsMessage
			if json.Unmarshal(b[:len(b)-1], &m) != nil {
				continue
			}
			select {
			case d.msgs <- m:
			case <-stop:
			}
		}
	}()
	t.Cleanup(func() {
		syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
		c.Wait()
		close(stop)
		<-read
		cmdW.Close()
		outR.Close()
		if t.Failed() {
			t.Logf("chromium's stderr:\n%s", stderr.String())
		}
	})

	ctx := testContext(t)
	var page string
	waitFor(t, ctx, "Chromium's first page", func() (bool, error) {
		var targets struct {
			TargetInfos []struct{ TargetID, Type string } `json:"targetInfos"`
		}
		if err := d.call(ctx, "", "Target.getTargets", nil, &targets); err != nil {
			return false, err
		}
		for _, ti := range targets.TargetInfos {
			if ti.Type == "page" {
				page = ti.TargetID
				return true, nil
			}
		}
		return false, nil
	})
	var attached struct{ SessionID string }
	if err := d.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": page, "flatten": true}, &attached); err != nil {
		t.Fatal(err)
	}
	d.session = attached.SessionID
	return d
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// call sends method with params (to the page when session is set, as
// d.session) and decodes its result into result.
func (d *devtools) call(ctx context.Context, session, method string, params, result any) error {
	d.next++
	msg := map[string]any{"id": d.next, "method": method, "params": params}
	if params == nil {
		msg["params"] = map[string]any{}
	}
	if session != "" {
		msg["sessionId"] = session
	}
	b, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	if _, err := d.w.Write(append(b, 0)); err != nil {
		return fmt.Errorf("devtools %s: %w", method, err)
	}
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("devtools %s: %w", method, ctx.Err())
		case m, ok := <-d.msgs:
			if !ok {
				return fmt.Errorf("devtools %s: chromium closed the pipe", method)
			}
			if m.ID != d.next { // an event, or an answer nobody waits for
				continue
			}
			if m.Error != nil {
				return fmt.Errorf("devtools %s: %s (%d)", method, m.Error.Message, m.Error.Code)
			}
			if result != nil {
				return json.Unmarshal(m.Result, result)
			}
			return nil
		}
	}
}

// eval evaluates a JavaScript expression in the page, awaits it if it is
// a promise, and decodes its value.
func (d *devtools) eval(ctx context.Context, expr string, value any) error {
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	if err := d.call(ctx, d.session, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true}, &r); err != nil {
		return err
	}
	if r.ExceptionDetails != nil {
		return errors.New("javascript: " + r.ExceptionDetails.Text)
	}
	if len(r.Result.Value) == 0 {
		return json.Unmarshal([]byte("null"), value)
	}
	return json.Unmarshal(r.Result.Value, value)
}

// waitFor polls cond (a condition, not a duration) until it holds or ctx
// ends; its last error is reported on failure.
func waitFor(t *testing.T, ctx context.Context, what string, cond func() (bool, error)) {
	t.Helper()
	var last error
	for {
		ok, err := cond()
		if ok {
			return
		}
		if err != nil {
			last = err
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v (last error: %v)", what, ctx.Err(), last)
		case <-time.After(50 * time.Millisecond): // polling interval
		}
	}
}

// consentButtons is what the consent page shows, once it has loaded.
type consentButtons struct {
	Path    string
	Focused string // the value of the focused button
	Deny    struct{ X, Y float64 }
}

// waitConsent waits until the page is the loaded consent page and says
// where its Deny button is and which button has the focus.
func (d *devtools) waitConsent(ctx context.Context) consentButtons {
	d.t.Helper()
	var got consentButtons
	waitFor(d.t, ctx, "the consent page", func() (bool, error) {
		var v *consentButtons
		// Once loaded, two animation frames: the page has been painted
		// (Chromium drops input that comes before the first paint) and its
		// autofocus applied (at a rendering update).
		err := d.eval(ctx, `(async () => {
			const deny = document.querySelector('form button[name="decision"][value="deny"]');
			if (document.readyState !== 'complete' || !deny) return null;
			for (let i = 0; i < 2; i++) await new Promise(r => requestAnimationFrame(r));
			const r = deny.getBoundingClientRect();
			const f = document.activeElement;
			return {path: location.pathname, focused: f && f.tagName === 'BUTTON' ? f.value : '',
				deny: {x: r.left + r.width / 2, y: r.top + r.height / 2}};
		})()`, &v)
		if v != nil {
			got = *v
		}
		return v != nil, err
	})
	return got
}

// click presses and releases the left mouse button at (x, y) of the page,
// as a user's click arrives.
func (d *devtools) click(ctx context.Context, x, y float64) error {
	for _, ev := range []map[string]any{
		{"type": "mouseMoved", "x": x, "y": y},
		{"type": "mousePressed", "x": x, "y": y, "button": "left", "buttons": 1, "clickCount": 1},
		{"type": "mouseReleased", "x": x, "y": y, "button": "left", "buttons": 0, "clickCount": 1},
	} {
		if err := d.call(ctx, d.session, "Input.dispatchMouseEvent", ev, nil); err != nil {
			return err
		}
	}
	return nil
}

// pressEnter types the Enter key into the page.
func (d *devtools) pressEnter(ctx context.Context) error {
	key := map[string]any{"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "nativeVirtualKeyCode": 13}
	down := map[string]any{"type": "keyDown", "text": "\r"}
	up := map[string]any{"type": "keyUp"}
	for _, ev := range []map[string]any{down, up} {
		for k, v := range key {
			ev[k] = v
		}
		if err := d.call(ctx, d.session, "Input.dispatchKeyEvent", ev, nil); err != nil {
			return err
		}
	}
	return nil
}

// chromiumConnect connects the demo provider (as ui/tray/demo_on.go sets it
// up, on a consent server) with Chromium as the browser: Open hands the
// sign-in address to Chromium, act does what the user does on the consent
// page, and the connect's result is returned.
func chromiumConnect(t *testing.T, act func(ctx context.Context, d *devtools, page consentButtons)) (*auth.Connection, error) {
	t.Helper()
	d := startChromium(t)
	ctx := testContext(t)
	srv := authtest.NewServer(t, authtest.Config{UserName: "Demo User", Consent: true, AppName: "Tokentray", ProviderName: "Demo provider"})
	p, err := auth.Discover(ctx, nil, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	p.ID, p.Name = "demo", "Demo provider (local test server)"
	p.ClientID, p.ClientSecret = authtest.ClientID, authtest.ClientSecret
	p.Scopes = []string{"openid", "profile", "email", "offline_access"}

	urls := make(chan string, 1)
	type result struct {
		conn *auth.Connection
		err  error
	}
	done := make(chan result, 1)
	go func() { // owned: Connect ends by its timeout at the latest, and the test waits for it
		conn, err := auth.Connect(ctx, p, auth.ConnectOptions{Open: func(u string) error { urls <- u; return nil }, Timeout: 50 * time.Second})
		done <- result{conn, err}
	}()
	var r result
	select {
	case u := <-urls:
		if err := d.call(ctx, d.session, "Page.navigate", map[string]any{"url": u}, nil); err != nil {
			t.Fatal(err)
		}
		act(ctx, d, d.waitConsent(ctx))
		r = <-done
	case r = <-done:
		t.Fatalf("connect ended before it opened the browser: %v", r.err)
	}
	if r.conn != nil {
		storetest.Secret(t, r.conn.Token.AccessToken, r.conn.Token.RefreshToken)
	}
	return r.conn, r.err
}

// TestChromiumConsentDeny: in a real Chromium, the demo provider's consent
// page comes up; a mouse click on Deny takes the browser back to
// Tokentray's loopback page, which says the user declined, and Connect
// returns the declined error, worded "You declined access…".
func TestChromiumConsentDeny(t *testing.T) {
	var d *devtools
	_, err := chromiumConnect(t, func(ctx context.Context, dt *devtools, page consentButtons) {
		d = dt
		if page.Path != authtest.PathAuthorize {
			t.Errorf("consent page at %q", page.Path)
		}
		if err := d.click(ctx, page.Deny.X, page.Deny.Y); err != nil {
			t.Fatal(err)
		}
	})
	if !errors.Is(err, auth.ErrDeclined) {
		t.Fatalf("connect after Deny: %v, want ErrDeclined", err)
	}
	if msg := auth.Message(err); !strings.HasPrefix(msg, "You declined access") {
		t.Errorf("message %q", msg)
	}
	ctx := testContext(t)
	waitFor(t, ctx, "the loopback page saying the user declined", func() (bool, error) {
		var text string
		err := d.eval(ctx, `location.pathname === '/callback' && document.readyState === 'complete' ? document.body.innerText : ''`, &text)
		return strings.Contains(text, "You declined access"), err
	})
}

// TestChromiumConsentApproveByEnter: Approve has the focus when the consent
// page opens, so Enter approves; Connect returns the account, named.
func TestChromiumConsentApproveByEnter(t *testing.T) {
	conn, err := chromiumConnect(t, func(ctx context.Context, d *devtools, page consentButtons) {
		if page.Focused != "approve" {
			t.Errorf("focused button %q, want approve", page.Focused)
		}
		if err := d.pressEnter(ctx); err != nil {
			t.Fatal(err)
		}
	})
	if err != nil {
		t.Fatalf("connect after Enter: %v", err)
	}
	if conn.Token.AccessToken == "" || conn.Token.RefreshToken == "" || conn.Identity.Name != "Demo User" {
		t.Errorf("connection: access %v, refresh %v, identity %q", conn.Token.AccessToken != "", conn.Token.RefreshToken != "", conn.Identity.Name)
	}
}
