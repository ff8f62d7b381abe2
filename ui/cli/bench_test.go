package cli_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/accounts"
)

// BenchmarkTokenVsProcessStart: `tokentray token NAME` for a token that
// needs no refresh, and `tokentray --version`, of the command as it ships
// (ui/cli/tokentray, built like make build), against a Go hello-world's
// process start: 50 rounds of the three side by side, with no app running
// (the command reads the keyring and the store itself); then 50 rounds of
// hello-world and token side by side while the app's token endpoint runs
// (ui/accounts's, served from this process as the desktop app serves it).
// Reports the medians and the ratios to the hello-world's. Run with
// -benchtime=1x (make bench).
func BenchmarkTokenVsProcessStart(b *testing.B) {
	storetest.RequireSession(b)
	dir := b.TempDir()
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		b.Fatal(err)
	}
	bin, hello := filepath.Join(dir, "tokentray"), filepath.Join(dir, "hello")
	build := exec.Command("go", "build", "-o", bin, "./ui/cli/tokentray")
	build.Dir, build.Env = string(root[:len(root)-1]), append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
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
	b.Setenv("XDG_RUNTIME_DIR", filepath.Join(dir, "run")) // the app's endpoint, for this benchmark alone
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

	timed := func(name string, args ...string) time.Duration {
		start := time.Now()
		run("", name, args...)
		return time.Since(start)
	}
	median := func(d []time.Duration) time.Duration {
		slices.Sort(d)
		return d[len(d)/2]
	}
	for range b.N {
		var h, tk, v, ha, ta []time.Duration
		for range 50 { // side by side, so that the machine's drift hits all three
			h = append(h, timed(hello))
			tk = append(tk, timed(bin, "token", "claude"))
			v = append(v, timed(bin, "--version"))
		}
		stop := serveTokens(b, filepath.Join(dir, "config"))
		for range 50 {
			ha = append(ha, timed(hello))
			ta = append(ta, timed(bin, "token", "claude"))
		}
		stop()
		mh, mt, mv, mha, mta := median(h), median(tk), median(v), median(ha), median(ta)
		b.ReportMetric(float64(mh.Microseconds())/1000, "hello-ms")
		b.ReportMetric(float64(mt.Microseconds())/1000, "token-ms")
		b.ReportMetric(float64(mv.Microseconds())/1000, "version-ms")
		b.ReportMetric(float64(mta.Microseconds())/1000, "token-app-ms")
		b.ReportMetric(float64(mt)/float64(mh), "ratio")
		b.ReportMetric(float64(mv)/float64(mh), "version-ratio")
		b.ReportMetric(float64(mta)/float64(mha), "app-ratio")
	}
	if n := srv.GrantCount("refresh_token"); n != 0 {
		b.Errorf("%d refreshes: the token was fresh", n)
	}
}

// serveTokens runs, in this process, the token endpoint the desktop app
// runs for the store in configDir (ui/accounts's), until stop is called or tb
// ends.
func serveTokens(tb testing.TB, configDir string) (stop func()) {
	tb.Helper()
	app, err := accounts.Open(accounts.Options{Dir: configDir, Service: storetest.PackageService()})
	if err != nil {
		tb.Fatal(err)
	}
	tokens, err := app.ListenTokens()
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- tokens.Serve(ctx) }()
	stop = sync.OnceFunc(func() {
		cancel()
		if err := <-served; err != nil {
			tb.Errorf("token endpoint: %v", err)
		}
		app.Close()
	})
	tb.Cleanup(stop)
	return stop
}
