//go:build linux

package gateway_test

import (
	"context"
	"encoding/json"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store/storetest"
)

// evilPage is a web page of another site that tries the gateway three
// ways, each with the key (which a real page would not even have), then
// posts what it could read to its own site's /report:
//   - get: a plain fetch, a "simple" CORS request (sent, with Origin);
//   - del: a DELETE with the key header, which needs a CORS preflight;
//   - form: a form POST into an iframe, a navigation (no CORS at all).
var evilPage = template.Must(template.New("evil").Parse(`<!doctype html>
<html><head><title>A page of another site</title></head><body>
<script>
const gateway = {{.Gateway}}, key = {{.Key}};
const target = gateway + '/Acme/x';

async function tryFetch(url, init) {
	try {
		const r = await fetch(url, init);
		let body;
		try { body = await r.text(); } catch (e) { body = 'unreadable: ' + e; }
		return {outcome: 'resolved', status: r.status, body: body};
	} catch (e) {
		return {outcome: 'rejected', error: String(e)};
	}
}

// submitForm resolves once the gateway's answer has loaded in the frame
// (the initial about:blank loads during appendChild, and is skipped).
function submitForm() {
	return new Promise(resolve => {
		const frame = document.createElement('iframe');
		frame.name = 'sink';
		document.body.appendChild(frame);
		frame.addEventListener('load', () => {
			let doc = null;
			try { doc = frame.contentDocument; } catch (e) {}
			if (doc && doc.URL === 'about:blank') return;
			resolve({loaded: true, readable: !!(doc && doc.body)});
		});
		const form = document.createElement('form');
		form.method = 'POST';
		form.action = target + '?tokentray_key=' + encodeURIComponent(key);
		form.target = 'sink';
		const input = document.createElement('input');
		input.name = 'note';
		input.value = 'from a web page';
		form.appendChild(input);
		document.body.appendChild(form);
		form.submit();
	});
}

(async () => {
	const report = {origin: location.origin};
	report.get = await tryFetch(target + '?tokentray_key=' + encodeURIComponent(key));
	report.del = await tryFetch(target, {method: 'DELETE', headers: {'X-Tokentray-Key': key}});
	report.form = await submitForm();
	return report;
})().catch(e => ({error: String(e)})).then(report =>
	fetch('/report', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(report)}));
</script>
</body></html>
`))

type fetchOutcome struct {
	Outcome string `json:"outcome"` // "resolved" or "rejected"
	Status  int    `json:"status"`
	Body    string `json:"body"`
	Error   string `json:"error"`
}

type pageReport struct {
	Origin string       `json:"origin"`
	Error  string       `json:"error"` // the page's script failed
	Get    fetchOutcome `json:"get"`
	Del    fetchOutcome `json:"del"`
	Form   struct {
		Loaded   bool `json:"loaded"`
		Readable bool `json:"readable"`
	} `json:"form"`
}

// servePage serves evilPage at http://localhost:PORT/evil.html, another
// site than the gateway's 127.0.0.1, and sends the page's first report on
// reports (buffered).
func servePage(t *testing.T, gatewayURL, key string, reports chan<- pageReport) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /evil.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		evilPage.Execute(w, map[string]string{"Gateway": gatewayURL, "Key": key}) //nolint:errcheck // the browser may be gone
	})
	mux.HandleFunc("POST /report", func(w http.ResponseWriter, r *http.Request) {
		var rep pageReport
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&rep); err != nil {
			rep.Error = "undecodable report: " + err.Error()
		}
		select {
		case reports <- rep:
		default: // only the first report counts
		}
		w.WriteHeader(http.StatusNoContent)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/evil.html"
}

// openInChromium opens page in a headless Chromium with a fresh profile
// (found, required and started as auth's consent tests do); it is killed,
// with its helpers, when the test ends. The page drives itself: no
// DevTools session is needed.
func openInChromium(t *testing.T, page string, secrets ...string) {
	t.Helper()
	storetest.RequireSession(t) // its own HOME, D-Bus and display: never the user's
	if _, err := exec.LookPath("chromium"); err != nil {
		storetest.Missing(t, "chromium", "make test-deps")
	}
	c := exec.Command("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
		"--no-default-browser-check", "--password-store=basic", "--user-data-dir="+t.TempDir(), page)
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr strings.Builder
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	t.Cleanup(func() {
		syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
		c.Wait()
		if t.Failed() {
			out := stderr.String()
			for _, s := range secrets {
				out = strings.ReplaceAll(out, s, "[secret]")
			}
			t.Logf("chromium's stderr:\n%s", out)
		}
	})
}

var gatewayLine = regexp.MustCompile(`msg=gateway method=(\S+) .*status=(\d+)`)

// TestWebPagesGetNothing: a page of another site, open in a real Chromium,
// calls the gateway with the key (GET by fetch, DELETE by fetch with a
// preflight, POST by a form) for an account that allows changes. The
// gateway refuses all three (the browser marked them as a page's), the
// page reads none of its answers, and the account's service receives
// nothing; the same call from a tool, with the key, does reach it.
func TestWebPagesGetNothing(t *testing.T) {
	f := newFixture(t, authtest.Config{})
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"data": "the account's data"}`) //nolint:errcheck // the test reads what it got
	})
	acme := f.custom(up.url + "/api/v1")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second) // a failure guard, not a wait
	defer cancel()
	if err := f.app.GatewayAllow(ctx, acme.ID, true, false); err != nil {
		t.Fatal(err)
	}

	reports := make(chan pageReport, 1)
	page := servePage(t, f.url, f.key, reports)
	openInChromium(t, page, f.key)
	var rep pageReport
	select {
	case rep = <-reports:
	case <-ctx.Done():
		t.Fatalf("no report from the page %s: %v", page, ctx.Err())
	}
	if rep.Error != "" {
		t.Fatalf("the page's script: %s", rep.Error)
	}
	if !strings.HasPrefix(rep.Origin, "http://localhost:") || rep.Origin == f.url {
		t.Fatalf("the page's origin %q is not another site than the gateway's %s", rep.Origin, f.url)
	}

	// What the page could read: nothing (no Access-Control-Allow-Origin,
	// and the frame is another origin's).
	for name, o := range map[string]fetchOutcome{"GET by fetch": rep.Get, "DELETE by fetch": rep.Del} {
		if o.Outcome != "rejected" {
			t.Errorf("%s: the page read an answer: %+v", name, o)
		}
	}
	if !rep.Form.Loaded || rep.Form.Readable {
		t.Errorf("form POST: loaded %v, readable by the page %v; want loaded and unreadable", rep.Form.Loaded, rep.Form.Readable)
	}

	// The main point: nothing reached the account's service.
	if seen := up.seen(); len(seen) != 0 {
		for _, r := range seen {
			t.Errorf("the service received %s %s (Origin %q, Sec-Fetch-Site %q)", r.Method, r.URL.Path, r.Header.Get("Origin"), r.Header.Get("Sec-Fetch-Site"))
		}
	}

	// Yet the requests did reach the gateway, which refused them: the GET,
	// the DELETE's preflight (the DELETE itself was never sent) and the
	// form's POST. The gateway writes its log line before its answer
	// leaves (a short answer is sent when the handler returns), and the
	// page reported after every answer had arrived.
	refused := map[string]int{}
	for _, m := range gatewayLine.FindAllStringSubmatch(f.logs.String(), -1) {
		if m[2] != "403" {
			t.Errorf("the gateway answered the page's %s with %s, want 403", m[1], m[2])
			continue
		}
		refused[m[1]]++
	}
	for _, method := range []string{http.MethodGet, http.MethodOptions, http.MethodPost} {
		if refused[method] == 0 {
			t.Errorf("no %s from the page was refused by the gateway (refused: %v)", method, refused)
		}
	}
	if refused[http.MethodDelete] != 0 {
		t.Errorf("a DELETE was sent despite its refused preflight")
	}

	// The control: a tool's call with the key gets through, so the above
	// could have failed.
	resp, body := f.get(f.url + "/Acme/x")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "the account's data") {
		t.Fatalf("a tool's call: %s %s", resp.Status, body)
	}
	if seen := up.seen(); len(seen) != 1 || seen[0].URL.Path != "/api/v1/x" {
		t.Errorf("the service received %d requests after the tool's call, want 1 (GET /api/v1/x)", len(seen))
	}
	f.noSecretIn(f.logs.String(), "the gateway's log")
}
