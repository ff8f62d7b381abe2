// Command testsum reads `go test -json` from standard input and says what
// happened, package by package, so that a run cannot end with "0 failed"
// when a package failed:
//
//   - it writes the tests' own output, as `go test -v` prints it, to the
//     file named by -o (the secret scan and the fault matrix read it);
//   - it prints, as they come, the result line of each package and the
//     lines a reader needs: failures, panics, and the tests' log lines
//     (which say why a test skipped);
//   - a test binary that ends while a test is still running (it crashed, was
//     killed, or its host — Wine — died under it) is named as such, with its
//     exit status and the test it was in; so is a package that failed with
//     no failing test (a build error, a binary that died before its first
//     test, a missing PASS line);
//   - it closes with "LABEL: N passed, M failed, K skipped", where M counts
//     the failed tests and every package that failed without one, and exits
//     1 when M > 0 or the input had no test at all.
//
// With -total it reads several `go test -json` files instead and prints only
// the closing counts, summed: "N passed, M failed, K skipped".
//
// With -scan SECRETS it searches the files given as arguments for each line
// of SECRETS (every token the tests handled, written by storetest.Secret):
// it fails when one appears, and also when SECRETS is missing or empty — a
// scan that has nothing to look for proves nothing.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Time    time.Time
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

// shown are the output lines worth printing as they come, as the Makefile's
// grep printed them before.
var shown = regexp.MustCompile(`^(--- FAIL|FAIL|ok|panic:|\s+\S+_test\.go:[0-9]+:|exit status)`)

// exitStatus is what testdata/exec.sh and testdata/windows/wine-exec.sh (go
// test's -exec) print when a test binary fails: go test -json itself never
// says a binary's exit status.
var exitStatus = regexp.MustCompile(`^test binary exit status (-?[0-9]+)`)

type pkgState struct {
	running  map[string]bool // tests started and not ended
	order    []string        // in the order they started, to name the last
	failed   int             // tests that failed
	exit     string          // "exit status N" when the binary said so
	lastLine string          // the last line the package printed
	done     bool
}

type counts struct{ passed, failed, skipped, tests int }

type summary struct {
	counts
	pkgs     map[string]*pkgState
	problems []string // one line per package that failed without a failing test
	out      io.Writer
	log      io.Writer
}

func newSummary(out, log io.Writer) *summary {
	return &summary{pkgs: map[string]*pkgState{}, out: out, log: log}
}

func (s *summary) pkg(name string) *pkgState {
	p := s.pkgs[name]
	if p == nil {
		p = &pkgState{running: map[string]bool{}}
		s.pkgs[name] = p
	}
	return p
}

func (s *summary) add(e event) {
	if e.Action == "build-output" { // a compile error: show it whole
		if s.log != nil {
			io.WriteString(s.log, e.Output)
		}
		io.WriteString(s.out, e.Output)
		return
	}
	if e.Package == "" {
		return
	}
	p := s.pkg(e.Package)
	switch e.Action {
	case "output":
		if s.log != nil {
			io.WriteString(s.log, e.Output)
		}
		line := strings.TrimRight(e.Output, "\n")
		if line != "" {
			p.lastLine = line
		}
		if m := exitStatus.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			p.exit = "exit status " + m[1]
		}
		if shown.MatchString(line) {
			fmt.Fprintln(s.out, line)
		}
	case "run":
		if e.Test != "" {
			p.running[e.Test] = true
			p.order = append(p.order, e.Test)
		}
	case "pass", "fail", "skip":
		if e.Test == "" {
			s.endPackage(e.Package, p, e.Action)
			return
		}
		delete(p.running, e.Test)
		s.tests++
		switch e.Action {
		case "pass":
			s.passed++
		case "fail":
			s.failed++
			p.failed++
		case "skip":
			s.skipped++
		}
	}
}

// endPackage records a package's end: a failed package with no failed test
// is a failure of its own, said with the test it died in and its status.
func (s *summary) endPackage(name string, p *pkgState, action string) {
	p.done = true
	died := p.unfinished()
	if action != "fail" && len(died) == 0 {
		return
	}
	exit := p.exit
	if exit == "" {
		exit = "no exit status given"
	}
	var why string
	switch {
	case len(died) > 0:
		// The innermost test is the one it died in; its parents were
		// waiting for it. One death, one failure.
		why = fmt.Sprintf("the test binary ended (%s) while %s was running", exit, died[len(died)-1])
		s.failed++
		s.tests++
	case p.failed == 0:
		why = fmt.Sprintf("the package failed with no failing test (%s; last line: %q)", exit, p.lastLine)
		s.failed++
	default:
		return // its failed tests are counted and were printed
	}
	s.problems = append(s.problems, fmt.Sprintf("FAIL %s: %s", name, why))
}

// unfinished lists the tests that started and never ended, innermost last
// (a subtest's parent is running too).
func (p *pkgState) unfinished() []string {
	var out []string
	for _, t := range p.order {
		if p.running[t] {
			out = append(out, t)
			delete(p.running, t)
		}
	}
	return out
}

// finish handles packages whose end never came (the input stopped).
func (s *summary) finish() {
	names := make([]string, 0, len(s.pkgs))
	for n, p := range s.pkgs {
		if !p.done && n != "" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		p := s.pkgs[n]
		if len(p.order) == 0 && p.failed == 0 {
			continue // printed nothing but output: not a test package
		}
		s.endPackage(n, p, "fail")
	}
}

func (s *summary) read(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			// Not an event: go test's own words (a build error printed
			// before any package started, say). Keep and show it.
			if s.log != nil {
				fmt.Fprintf(s.log, "%s\n", line)
			}
			fmt.Fprintf(s.out, "%s\n", line)
			continue
		}
		s.add(e)
	}
	s.finish()
	return sc.Err()
}

func main() {
	label := flag.String("label", "go test", "what the closing line names")
	logFile := flag.String("o", "", "write the tests' output (as go test -v prints it) to this file")
	total := flag.Bool("total", false, "sum the closing counts of the go test -json files given as arguments")
	scanList := flag.String("scan", "", "search the files given as arguments for each line of this file; none may appear")
	flag.Parse()

	if *scanList != "" {
		msg, err := scan(*scanList, flag.Args())
		if err != nil {
			fmt.Println("FAIL:", err)
			os.Exit(1)
		}
		fmt.Println(msg)
		return
	}

	if *total {
		var sum counts
		for _, f := range flag.Args() {
			in, err := os.Open(f)
			if err != nil {
				fmt.Fprintln(os.Stderr, "testsum:", err)
				os.Exit(2)
			}
			s := newSummary(io.Discard, nil)
			err = s.read(in)
			in.Close()
			if err != nil {
				fmt.Fprintln(os.Stderr, "testsum:", f+":", err)
				os.Exit(2)
			}
			sum.passed += s.passed
			sum.failed += s.failed
			sum.skipped += s.skipped
		}
		fmt.Printf("%d passed, %d failed, %d skipped\n", sum.passed, sum.failed, sum.skipped)
		return
	}

	var log io.Writer
	if *logFile != "" {
		f, err := os.Create(*logFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "testsum:", err)
			os.Exit(2)
		}
		defer f.Close()
		log = f
	}
	s := newSummary(os.Stdout, log)
	if err := s.read(os.Stdin); err != nil {
		fmt.Fprintln(os.Stderr, "testsum:", err)
		os.Exit(2)
	}
	if len(s.problems) > 0 {
		fmt.Printf("%s: packages that failed with no --- FAIL line:\n", *label)
		for _, p := range s.problems {
			fmt.Println(p)
		}
	}
	fmt.Printf("%s: %d passed, %d failed, %d skipped\n", *label, s.passed, s.failed, s.skipped)
	if s.failed > 0 || s.tests == 0 {
		if s.tests == 0 {
			fmt.Printf("%s: no test ran\n", *label)
		}
		if f, ok := log.(*os.File); ok {
			f.Close()
		}
		os.Exit(1)
	}
}

// scan searches files for every secret listed one a line in list.
func scan(list string, files []string) (string, error) {
	b, err := os.ReadFile(list)
	if err != nil {
		return "", fmt.Errorf("secret scan: the tests recorded no token to look for (%w)", err)
	}
	var secrets []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			secrets = append(secrets, l)
		}
	}
	if len(secrets) == 0 {
		return "", fmt.Errorf("secret scan: the tests recorded no token to look for (%s is empty)", list)
	}
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("secret scan: %w", err)
		}
		for _, sec := range secrets {
			if bytes.Contains(text, []byte(sec)) {
				return "", fmt.Errorf("secret scan: a token handled by the tests appears in %s", f)
			}
		}
	}
	return fmt.Sprintf("secret scan: none of %d tokens appears in %s", len(secrets), strings.Join(files, ", ")), nil
}
