package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// The fixtures are real `go test -json` runs of three small packages:
// died.json, a test binary that exits (status 3) inside a subtest, run
// through testdata/exec.sh; build.json, a test that does not compile;
// mixed.json, a pass, a skip and a failure.
func TestSummary(t *testing.T) {
	for _, tc := range []struct {
		file                    string
		passed, failed, skipped int
		says                    []string
	}{
		{"died.json", 1, 1, 0, []string{"FAIL dying: the test binary ended (exit status 3) while TestDies/sub was running"}},
		{"build.json", 0, 1, 0, []string{"undefined: undefined", "FAIL broken: the package failed with no failing test"}},
		{"mixed.json", 1, 1, 1, []string{"--- FAIL: TestC", "g_test.go:5: boom", "g_test.go:4: needs X: run make test"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			in, err := os.Open("testdata/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			var out, log bytes.Buffer
			s := newSummary(&out, &log)
			if err := s.read(in); err != nil {
				t.Fatal(err)
			}
			printed := out.String() + strings.Join(s.problems, "\n")
			if s.passed != tc.passed || s.failed != tc.failed || s.skipped != tc.skipped {
				t.Errorf("%d passed, %d failed, %d skipped; want %d, %d, %d\n%s",
					s.passed, s.failed, s.skipped, tc.passed, tc.failed, tc.skipped, printed)
			}
			for _, want := range tc.says {
				if !strings.Contains(printed, want) {
					t.Errorf("the summary does not say %q:\n%s", want, printed)
				}
			}
			if tc.file == "mixed.json" && !strings.Contains(log.String(), "=== RUN   TestA\n") {
				t.Errorf("the -o output is not go test -v's:\n%s", log.String())
			}
		})
	}
}

func TestScan(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		t.Helper()
		p := dir + "/" + name
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	out := write("out", "=== RUN TestX\nsome output\n")
	leaky := write("leaky", "token: s3cr3t-t0k3n\n")
	for _, tc := range []struct {
		name, list string
		files      []string
		fails      bool
	}{
		{"clean", write("list", "s3cr3t-t0k3n\nanother\n"), []string{out}, false},
		{"leak", write("list2", "s3cr3t-t0k3n\n"), []string{out, leaky}, true},
		{"empty list", write("empty", ""), []string{out}, true},
		{"blank lines only", write("blank", "\n\n"), []string{out}, true},
		{"no list", dir + "/missing", []string{out}, true},
	} {
		msg, err := scan(tc.list, tc.files)
		if (err != nil) != tc.fails {
			t.Errorf("%s: scan said %q, %v; want failure %v", tc.name, msg, err, tc.fails)
		}
		if err != nil && strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("%s: the failure names the secret: %v", tc.name, err)
		}
	}
}
