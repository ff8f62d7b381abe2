package cli_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store/storetest"
)

// BenchmarkTokenVsProcessStart: `tokentray token NAME` of the real binary
// for a token that needs no refresh, against a Go hello-world's process
// start, 50 runs each; reports both medians and their ratio. Run with
// -benchtime=1x (make bench).
func BenchmarkTokenVsProcessStart(b *testing.B) {
	storetest.RequireSession(b)
	dir := b.TempDir()
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		b.Fatal(err)
	}
	bin, hello := filepath.Join(dir, "tokentray"), filepath.Join(dir, "hello")
	if out, err := exec.Command("go", "build", "-o", bin, string(root[:len(root)-1])).CombinedOutput(); err != nil {
		b.Fatalf("build tokentray: %v\n%s", err, out)
	}
	src := filepath.Join(dir, "hello.go")
	os.WriteFile(src, []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"), 0o600)
	if out, err := exec.Command("go", "build", "-o", hello, src).CombinedOutput(); err != nil {
		b.Fatalf("build hello: %v\n%s", err, out)
	}

	srv := authtest.NewServer(b, authtest.Config{AccessTokenLifespan: 8 * time.Hour})
	issued, err := srv.IssueTokens(context.Background(), "user:inference")
	if err != nil {
		b.Fatal(err)
	}
	storetest.Secret(b, issued.AccessToken, issued.RefreshToken)
	env := append(os.Environ(), "TOKENTRAY_CONFIG_DIR="+filepath.Join(dir, "config"))
	run := func(stdin string, name string, args ...string) {
		c := exec.Command(name, args...)
		c.Env = env
		c.Stdin = strings.NewReader(stdin)
		if out, err := c.CombinedOutput(); err != nil {
			b.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	run("", bin, "provider", "set", "anthropic", "--base-url", srv.URL)
	run(fmt.Sprintf(`{"access_token":%q,"refresh_token":%q,"expires_at":%d}`, issued.AccessToken, issued.RefreshToken,
		time.Now().Add(8*time.Hour).UnixMilli()), bin, "import", "anthropic", "--name", "claude")

	median := func(name string, args ...string) time.Duration {
		var d []time.Duration
		for range 50 {
			start := time.Now()
			run("", name, args...)
			d = append(d, time.Since(start))
		}
		slices.Sort(d)
		return d[len(d)/2]
	}
	for range b.N {
		h := median(hello)
		tk := median(bin, "token", "claude")
		b.ReportMetric(float64(h.Microseconds())/1000, "hello-ms")
		b.ReportMetric(float64(tk.Microseconds())/1000, "token-ms")
		b.ReportMetric(float64(tk)/float64(h), "ratio")
	}
	if n := srv.GrantCount("refresh_token"); n != 0 {
		b.Errorf("%d refreshes: the token was fresh", n)
	}
}
