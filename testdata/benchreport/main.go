// Command benchreport writes BENCHMARKS.md from the output of make bench:
// Go benchmark lines (several runs each, -count) and the idle-bench.sh
// result lines. It reports the median of every figure over the runs, with
// the smallest and largest, and the machine it ran on.
//
//	go run ./testdata/benchreport -go bin/bench/go.txt -idle bin/bench/idle.txt -o BENCHMARKS.md
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// series is one figure of one benchmark over the runs.
type series struct {
	bench, unit string
	values      []float64
}

func (s *series) median() float64 {
	v := slices.Clone(s.values)
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

type table struct {
	order []string
	by    map[string]*series
}

func (t *table) add(bench, unit string, v float64) {
	if t.by == nil {
		t.by = map[string]*series{}
	}
	k := bench + "\x00" + unit
	s := t.by[k]
	if s == nil {
		s = &series{bench: bench, unit: unit}
		t.by[k] = s
		t.order = append(t.order, k)
	}
	s.values = append(s.values, v)
}

func (t *table) get(bench, unit string) *series { return t.by[bench+"\x00"+unit] }

// benchName is a benchmark line's name without "Benchmark" and without the
// "-GOMAXPROCS" suffix go test adds (absent when GOMAXPROCS is 1):
// "BenchmarkKeeperScale/accounts=100-2" is "KeeperScale/accounts=100".
func benchName(field string) string {
	name := strings.TrimPrefix(field, "Benchmark")
	if i := strings.LastIndexByte(name, '-'); i > 0 && i > strings.LastIndexByte(name, '/') {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			name = name[:i]
		}
	}
	return name
}

// readGo parses lines like
// "BenchmarkX-2   1   123 ns/op   4.5 token-ms   7.0 ratio", sub-benchmarks
// ("BenchmarkX/accounts=100-2 …") among them.
func readGo(path string, t *table) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		name := benchName(fields[0])
		if _, err := strconv.Atoi(fields[1]); err != nil {
			continue // not a result line (a name printed before its log)
		}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				break
			}
			t.add(name, fields[i+1], v)
		}
	}
	return sc.Err()
}

// readIdle parses idle-bench.sh's "idle-result: k=v …" lines.
func readIdle(path string, t *table) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "idle-result: ")
		if !ok {
			continue
		}
		vals := map[string]float64{}
		for _, kv := range strings.Fields(rest) {
			k, v, _ := strings.Cut(kv, "=")
			vals[k], _ = strconv.ParseFloat(v, 64)
		}
		for _, k := range []string{"app_cpu_pct", "min_cpu_pct", "app_rss_mb", "min_rss_mb", "ref_cpu_pct", "ref_rss_mb", "seconds", "accounts"} {
			t.add("Idle", k, vals[k])
		}
		if vals["ref_cpu_pct"] > 0 {
			t.add("Idle", "ref_cpu_ratio", vals["app_cpu_pct"]/vals["ref_cpu_pct"])
		}
		if vals["ref_rss_mb"] > 0 {
			t.add("Idle", "ref_rss_ratio", vals["app_rss_mb"]/vals["ref_rss_mb"])
		}
		if vals["min_cpu_pct"] > 0 {
			t.add("Idle", "cpu_ratio", vals["app_cpu_pct"]/vals["min_cpu_pct"])
		}
		if vals["min_rss_mb"] > 0 {
			t.add("Idle", "rss_ratio", vals["app_rss_mb"]/vals["min_rss_mb"])
		}
	}
	return sc.Err()
}

func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb float64
		fmt.Sscanf(strings.SplitN(string(b), "\n", 2)[0], "MemTotal: %f kB", &kb)
		mem = fmt.Sprintf(", %.0f GiB RAM", kb/1024/1024)
	}
	osName := runtime.GOOS
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "PRETTY_NAME="); ok {
				osName = strings.Trim(v, `"`)
			}
		}
	}
	goVersion := runtime.Version()
	if out, err := exec.Command("go", "env", "GOVERSION").Output(); err == nil {
		goVersion = strings.TrimSpace(string(out))
	}
	return fmt.Sprintf("%s, %d cores%s; %s; %s/%s; %s", cpu, runtime.NumCPU(), mem, osName, runtime.GOOS, runtime.GOARCH, goVersion)
}

func main() {
	goOut := flag.String("go", "", "go test -bench output")
	idleOut := flag.String("idle", "", "idle-bench.sh output")
	out := flag.String("o", "BENCHMARKS.md", "report to write")
	wall := flag.String("wall", "", "how long make bench took")
	flag.Parse()
	var t table
	if err := readGo(*goOut, &t); err != nil {
		log.Fatal(err)
	}
	if err := readIdle(*idleOut, &t); err != nil {
		log.Fatal(err)
	}

	var b strings.Builder
	row := func(what, bench, unit, format, target string) {
		s := t.get(bench, unit)
		if s == nil {
			fmt.Fprintf(&b, "| %s | not measured | | | %s |\n", what, target)
			return
		}
		lo, hi := slices.Min(s.values), slices.Max(s.values)
		fmt.Fprintf(&b, "| %s | **"+format+"** | "+format+" – "+format+" | %d | %s |\n", what, s.median(), lo, hi, len(s.values), target)
	}
	fmt.Fprintf(&b, "# Benchmarks\n\n")
	fmt.Fprintf(&b, "Generated by `make bench` on %s", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	if *wall != "" {
		fmt.Fprintf(&b, " (the whole run took %s)", *wall)
	}
	fmt.Fprintf(&b, ".\nMachine: %s.\n\n", machine())
	fmt.Fprintf(&b, "Every figure is the **median** over the runs (range and number of runs beside it). "+
		"The authorization server is the test server (`auth/authtest`, fosite) on 127.0.0.1; for the keeper and idle figures "+
		"it runs as a program of its own (`testdata/windows/authserver`), so its CPU time, allocations and memory are not counted. "+
		"Secrets are kept in a real gnome-keyring inside the private test session (`testdata/session.sh`). "+
		"Network latency to a real provider is not included.\n\n")
	fmt.Fprintf(&b, "| figure | median | range | runs | target / meaning |\n|---|---|---|---|---|\n")

	// ratio prints a row derived from two medians (no range of its own).
	ratio := func(what, bench1, unit1, bench0, unit0, target string) {
		s1, s0 := t.get(bench1, unit1), t.get(bench0, unit0)
		if s1 == nil || s0 == nil || s0.median() == 0 {
			fmt.Fprintf(&b, "| %s | not measured | | | %s |\n", what, target)
			return
		}
		fmt.Fprintf(&b, "| %s | **%.2f** | of the medians | | %s |\n", what, s1.median()/s0.median(), target)
	}
	for _, n := range []string{"100", "1000"} {
		k := "KeeperScale/accounts=" + n
		label := n
		if n == "1000" {
			label = "1,000"
		}
		fmt.Fprintf(&b, "| **Keeper at scale, %s accounts** (60 s tokens, 10 simulated minutes; client only) | | | | |\n", label)
		row("refreshes per account per token lifetime", k, "refreshes/account/lifetime", "%.3f",
			"1.11 expected: each token refreshed once, at 90 % of its life (60 s ÷ 54 s); more is wasted refreshes")
		row("tokens served expired", k, "served-expired", "%.0f", "0")
		row("client CPU per refresh (µs)", k, "cpu-µs/refresh", "%.0f",
			"server in another process, not counted; includes the scheduler's passes, 20 token requests per simulated second and the fsyncs")
		row("client allocations per refresh", k, "allocs/refresh", "%.0f", "server in another process, not counted")
		row("bytes written to files per refresh", k, "bytes-written/refresh", "%.0f",
			"target: independent of the number of accounts (sealed token and state file)")
		row("bytes sent over HTTP per refresh", k, "bytes-sent/refresh", "%.0f", "the refresh request, for comparison")
	}
	ratio("bytes written per refresh, 1,000 ÷ 100 accounts", "KeeperScale/accounts=1000", "bytes-written/refresh",
		"KeeperScale/accounts=100", "bytes-written/refresh", "target ≈ 1")
	ratio("client CPU per refresh, 1,000 ÷ 100 accounts", "KeeperScale/accounts=1000", "cpu-µs/refresh",
		"KeeperScale/accounts=100", "cpu-µs/refresh", "1 would mean no per-account cost")
	fmt.Fprintf(&b, "| **CLI** `tokentray` as shipped (ui/cli/tokentray: no Fyne, no cgo); medians of 50 starts per run, side by side with the floor | | | | |\n")
	row("`tokentray token NAME`, fresh token, desktop app running (ms)", "TokenVsProcessStart", "token-app-ms", "%.1f", "asks the app over its token endpoint")
	row("`tokentray token NAME`, fresh token, no app running (ms)", "TokenVsProcessStart", "token-ms", "%.1f", "reads the store and the keyring itself")
	row("`tokentray --version` (ms)", "TokenVsProcessStart", "version-ms", "%.1f", "")
	row("Go hello-world start, the floor (ms)", "TokenVsProcessStart", "hello-ms", "%.1f", "")
	row("ratio token / floor, app running", "TokenVsProcessStart", "app-ratio", "%.1f", "target ≤ 3×")
	row("ratio token / floor, no app", "TokenVsProcessStart", "ratio", "%.1f", "target ≤ 3×; about 3 ms of it are go-keyring's seven D-Bus calls to gnome-keyring")
	row("ratio --version / floor", "TokenVsProcessStart", "version-ratio", "%.1f", "the command's own start")
	fmt.Fprintf(&b, "| **Connect flow** (callback → stored; median of 20 connects per run) | | | | |\n")
	row("callback to account stored (ms)", "ConnectFlow", "callback-to-stored-ms", "%.2f", "code exchange, identity call, sealing, metadata write")
	for _, accts := range []struct{ sub, label string }{
		{"fake", "the gateway alone (accounts: a fake whose token is always fresh)"},
		{"app", "the app's gateway as it ships (key, account and token read from the store for every request)"},
	} {
		k := "GatewayLatency/accounts=" + accts.sub
		fmt.Fprintf(&b, "| **Local gateway, latency on loopback**: %s; a 1 KB JSON answer shaped like Clio's "+
			"(read whole to rewrite its paging links); 2,000 requests each way per run | | | | |\n", accts.label)
		row("direct to the upstream, median (µs)", k, "direct-p50-µs", "%.0f", "")
		row("through the gateway, median (µs)", k, "gateway-p50-µs", "%.0f", "")
		row("added by the gateway, median (µs)", k, "added-p50-µs", "%.0f", "target ≤ 1,000 (1 ms)")
		row("ratio gateway / direct, median", k, "ratio-p50", "%.2f", "target ≤ 1.2×")
		row("through a bare httputil.ReverseProxy, median (µs)", k, "bare-proxy-p50-µs", "%.0f",
			"the floor of any proxy in between: a second HTTP exchange on loopback")
		ratio("ratio bare proxy / direct", k, "bare-proxy-p50-µs", k, "direct-p50-µs",
			"what any proxy costs on loopback, where the upstream answers in microseconds; a remote API's round trip dwarfs it")
		row("direct to the upstream, p99 (µs)", k, "direct-p99-µs", "%.0f", "")
		row("through the gateway, p99 (µs)", k, "gateway-p99-µs", "%.0f", "")
		row("through the bare proxy, p99 (µs)", k, "bare-proxy-p99-µs", "%.0f", "")
	}
	for _, answer := range []struct{ sub, label, target string }{
		{"octet-stream", "application/octet-stream", "target ≤ 10: copied through as it comes"},
		{"json", "application/json", "target ≤ 10; the gateway reads the first 2 MB of a JSON answer (DefaultMaxRewrite) to rewrite its links"},
	} {
		k := "GatewayStream200MB/answer=" + answer.sub
		fmt.Fprintf(&b, "| **Local gateway, a 200 MB streamed answer** (%s, no Content-Length, 64 KB writes; one per run) | | | | |\n", answer.label)
		row("resident memory growth during the transfer (MB)", k, "rss-growth-MB", "%.1f", answer.target)
		row("Go heap growth during the transfer (MB)", k, "heap-growth-MB", "%.1f", "client, gateway and upstream together: an upper bound on the gateway's")
		row("throughput (MB/s)", k, "MB/s", "%.0f", "")
		row("first byte of the body (ms)", k, "first-byte-ms", "%.1f", "")
	}
	fmt.Fprintf(&b, "| **Idle** under Xvfb: tokentray (release build, 20 accounts, server in another process) vs a minimal Fyne app | | | | |\n")
	row("accounts connected", "Idle", "accounts", "%.0f", "20")
	row("tokentray CPU (% of one core)", "Idle", "app_cpu_pct", "%.2f", "")
	row("minimal Fyne app CPU (% of one core)", "Idle", "min_cpu_pct", "%.2f", "")
	row("CPU ratio", "Idle", "cpu_ratio", "%.2f", "target ≤ 1.05: nothing measurable on top of Fyne's own loop")
	row("tokentray RSS (MB)", "Idle", "app_rss_mb", "%.1f", "")
	row("minimal Fyne app RSS (MB)", "Idle", "min_rss_mb", "%.1f", "")
	row("RSS ratio", "Idle", "rss_ratio", "%.2f", "target ≤ 1.15")
	row("reference: minimal app with a button, window 560×440: CPU (% of one core)", "Idle", "ref_cpu_pct", "%.2f", "")
	row("reference RSS (MB)", "Idle", "ref_rss_mb", "%.1f", "what Fyne itself adds for a window like Tokentray's: its bold face (button text) and larger buffers")
	row("tokentray / reference, CPU", "Idle", "ref_cpu_ratio", "%.2f", "")
	row("tokentray / reference, RSS", "Idle", "ref_rss_ratio", "%.2f", "what Tokentray adds on top of the toolkit's own cost")
	if s := t.get("Idle", "seconds"); s != nil {
		fmt.Fprintf(&b, "\nIdle runs measured %.0f s each, after 5 s to settle.\n", s.median())
	}
	fmt.Fprintf(&b, `
## How to reproduce

    make bench                 # everything below, then this file is rewritten

which runs, inside the private test session (D-Bus, gnome-keyring, Xvfb):

    go test -run '^$' -bench KeeperScale -benchtime=1x -count=3 -timeout 45m ./auth/keeper/
    go test -run '^$' -bench ConnectFlow -benchtime=20x -count=5 ./ui/accounts/
    go test -run '^$' -bench TokenVsProcessStart -benchtime=1x -count=5 ./ui/cli/
    go test -run '^$' -bench GatewayLatency -benchtime=2000x -count=5 ./ui/gateway/
    go test -run '^$' -bench GatewayStream200MB -benchtime=1x -count=5 ./ui/gateway/
    testdata/idle-bench.sh 30   # three times
    go run ./testdata/benchreport -go bin/bench/go.txt -idle bin/bench/idle.txt -o BENCHMARKS.md

-bench KeeperScale runs both sub-benchmarks, KeeperScale/accounts=100 and
KeeperScale/accounts=1000. The benchmark builds testdata/windows/authserver;
every run starts it as a process of its own and obtains each account's grant
from it over HTTP (authorization code + PKCE) before the measured window.
CPU time is getrusage(RUSAGE_SELF) and allocations runtime.MemStats of the
test process alone; refreshes are counted by the keeper's HTTP client, and
the bytes written to files are the growth of wchar in /proc/self/io less the
bytes that client wrote on its connections.

The gateway benchmarks run a gateway (gateway.Listen, Server.Serve), its
upstream (httptest on 127.0.0.1) and the client in one process, on
keep-alive connections. GatewayLatency asks for the same page directly,
through the gateway and through a bare httputil.ReverseProxy, rotating which
goes first; accounts=app connects a Clio account at the test server, its API
base pointed at the upstream. GatewayStream200MB samples VmRSS
(/proc/self/status) and the Go heap (runtime/metrics) every 10 ms from a
baseline taken after debug.FreeOSMemory, and fails if the client's first
byte came only after the upstream's last.

idle-bench.sh builds tokentray and tokentray-app as make build does (release
flags, no demo tag), starts testdata/windows/authserver as a process of its
own, connects 20 accounts to it through the tokentray command (a curl-based
TOKENTRAY_BROWSER follows the sign-in redirects), starts the app through
tokentray (which execs tokentray-app), testdata/minimalfyne, and the
reference (testdata/minimalfyne -button -size 560x440) side by side, and
after 5 s to settle reads each process's CPU ticks (/proc/PID/stat) over the
measured seconds and its VmRSS.

The raw outputs stay in bin/bench/. Compare two runs of the Go benchmarks with
benchstat (go install golang.org/x/perf/cmd/benchstat@latest).
`)
	if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %s\n", *out)
}
