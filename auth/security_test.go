package auth

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSecurityLoopbackOnly: while Connect waits for the browser, every
// socket listening on the redirect port is bound to a loopback address
// (read from the kernel's socket tables), and the port does not answer on
// this machine's other addresses.
func TestSecurityLoopbackOnly(t *testing.T) {
	for _, host := range []string{"", "localhost", "[::1]"} {
		t.Run("host="+host, func(t *testing.T) {
			if host == "[::1]" && !hasIPv6Loopback() {
				t.Skip("SKIP: this machine has no IPv6 loopback (::1)")
			}
			p := Generic("http://127.0.0.1:1/authorize", "http://127.0.0.1:1/token")
			p.ClientID = "client"
			p.RedirectHost = host
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			opened := make(chan string, 1)
			done := make(chan error, 1)
			go func() {
				_, err := Connect(ctx, p, ConnectOptions{Open: func(u string) error { opened <- u; return nil },
					Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
				done <- err
			}()
			var authURL string
			select {
			case authURL = <-opened:
			case err := <-done:
				t.Fatalf("Connect ended before opening the browser: %v", err)
			}
			au, _ := url.Parse(authURL)
			ru, err := url.Parse(au.Query().Get("redirect_uri"))
			if err != nil {
				t.Fatal(err)
			}
			port, _ := strconv.Atoi(ru.Port())
			addrs := listeningOn(t, port)
			if len(addrs) == 0 {
				t.Fatalf("nothing listens on port %d", port)
			}
			for _, a := range addrs {
				if !a.IsLoopback() {
					t.Errorf("port %d is bound to %v, not a loopback address", port, a)
				}
			}
			for _, ip := range machineAddrs() {
				c, err := net.DialTimeout("tcp", net.JoinHostPort(ip.String(), fmt.Sprint(port)), time.Second)
				if err == nil {
					c.Close()
					t.Errorf("the redirect listener answers on %v", ip)
				}
			}
			t.Logf("redirect %s: listening on %v only", ru.Host, addrs)
			cancel()
			if err := <-done; !errors.Is(err, ErrCanceled) {
				t.Errorf("after cancel: %v", err)
			}
		})
	}
}

func hasIPv6Loopback() bool {
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

// listeningOn reads /proc/net/tcp and tcp6 for sockets in LISTEN state on
// port and returns their local addresses.
func listeningOn(t *testing.T, port int) []net.IP {
	t.Helper()
	var out []net.IP
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		fh, err := os.Open(f)
		if err != nil {
			if f == "/proc/net/tcp" {
				t.Skipf("no %s: not Linux", f)
			}
			continue
		}
		sc := bufio.NewScanner(fh)
		sc.Scan() // header
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 4 || fields[3] != "0A" { // 0A: LISTEN
				continue
			}
			hostHex, portHex, _ := strings.Cut(fields[1], ":")
			if p, _ := strconv.ParseUint(portHex, 16, 16); int(p) != port {
				continue
			}
			out = append(out, procIP(hostHex))
		}
		fh.Close()
	}
	return out
}

// procIP decodes an address of /proc/net/tcp*: 32-bit words in host
// (little-endian) order.
func procIP(h string) net.IP {
	ip := make(net.IP, len(h)/2)
	for i := 0; i < len(ip); i += 4 {
		for j := range 4 {
			b, _ := strconv.ParseUint(h[(i+3-j)*2:(i+3-j)*2+2], 16, 8)
			ip[i+j] = byte(b)
		}
	}
	return ip
}

// machineAddrs are this machine's addresses other than loopback.
func machineAddrs() []net.IP {
	var out []net.IP
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
			out = append(out, n.IP)
		}
	}
	return out
}

// TestSecurityCallbackPageReflectsNothing: a hostile redirect (script in
// every parameter) gets a fixed page with a strict Content-Security-Policy;
// nothing of the request appears in it. FuzzCallback checks the same for
// any query.
func TestSecurityCallbackPageReflectsNothing(t *testing.T) {
	const evil = `"><script>alert(1)</script><img src=x onerror=alert(2)>`
	for _, q := range []url.Values{
		{"state": {fuzzState}, "code": {evil}},
		{"state": {fuzzState}, "error": {evil}, "error_description": {evil}},
		{"state": {evil}, "code": {"c"}},
	} {
		h := callbackHandler(fuzzState, slog.New(slog.NewTextHandler(io.Discard, nil)), func(callbackResult) {})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/callback?"+q.Encode(), nil))
		body := rec.Body.String()
		for _, bad := range []string{"<script", "<img", "alert(", "onerror"} {
			if strings.Contains(body, bad) {
				t.Errorf("query %v: the page contains %q", q, bad)
			}
		}
		if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("CSP %q", csp)
		}
		if rec.Header().Get("Referrer-Policy") != "no-referrer" || rec.Header().Get("Cache-Control") != "no-store" {
			t.Error("the page may leak the code through Referer or a cache")
		}
	}
}

// TestSecurityStateConstantTime reads package auth's source: no == or !=
// has an operand named like a state (it must go through
// subtle.ConstantTimeCompare), and both places that check a state — the
// loopback callback and the approval paste — call it.
func TestSecurityStateConstantTime(t *testing.T) {
	fset := token.NewFileSet()
	files, _ := filepath.Glob("*.go")
	compares := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BinaryExpr:
				if (n.Op == token.EQL || n.Op == token.NEQ) && (mentionsState(n.X) || mentionsState(n.Y)) &&
					!isEmptyString(n.X) && !isEmptyString(n.Y) {
					t.Errorf("%s: a state is compared with %s, not in constant time", fset.Position(n.Pos()), n.Op)
				}
			case *ast.FuncDecl:
				ast.Inspect(n, func(m ast.Node) bool {
					if sel, ok := m.(*ast.SelectorExpr); ok && sel.Sel.Name == "ConstantTimeCompare" {
						compares[n.Name.Name] = true
					}
					return true
				})
			}
			return true
		})
	}
	for _, fn := range []string{"callbackHandler", "ParseApproval"} {
		if !compares[fn] {
			t.Errorf("%s does not use subtle.ConstantTimeCompare", fn)
		}
	}
}

func mentionsState(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "ConstantTimeCompare" {
				return false // its result compared with 1 is the right way
			}
		case *ast.Ident:
			if strings.Contains(strings.ToLower(n.Name), "state") {
				found = true
			}
		case *ast.BasicLit:
			if n.Value == `"state"` {
				found = true
			}
		}
		return !found
	})
	return found
}

func isEmptyString(e ast.Expr) bool {
	l, ok := e.(*ast.BasicLit)
	return ok && l.Value == `""`
}
