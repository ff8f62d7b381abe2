package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokentray/tokentray/store"
)

func run(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(args, IO{Out: &out, ErrOut: &errOut}, func() (*store.Store, error) {
		return store.Open(store.Options{Dir: dir})
	})
	return code, out.String(), errOut.String()
}

func TestList(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run(t, dir, "list")
	if code != ExitOK || out != "" || !strings.Contains(errOut, "No accounts") {
		t.Errorf("empty list: %d %q %q", code, out, errOut)
	}
	st, _ := store.Open(store.Options{Dir: dir})
	if err := st.PutAccount(context.Background(), store.Account{ID: "a1", Provider: "clio-us", Name: "Demo User"}); err != nil {
		t.Fatal(err)
	}
	code, out, _ = run(t, dir, "list")
	if code != ExitOK || !strings.Contains(out, "Demo User") || !strings.Contains(out, "clio-us") {
		t.Errorf("list: %d %q", code, out)
	}
	code, out, _ = run(t, dir, "list", "--json")
	var rows []map[string]any
	if code != ExitOK || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != 1 || rows[0]["name"] != "Demo User" {
		t.Errorf("list --json: %d %q", code, out)
	}
}

func TestUsageAndErrors(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := run(t, dir, "frobnicate"); code != ExitUsage || !strings.Contains(errOut, "Usage:") {
		t.Errorf("unknown command: %d %q", code, errOut)
	}
	if code, _, _ := run(t, dir, "list", "--bogus"); code != ExitUsage {
		t.Errorf("bad flag: %d", code)
	}
	if code, out, _ := run(t, dir, "--version"); code != ExitOK || !strings.HasPrefix(out, "tokentray ") {
		t.Errorf("--version: %d %q", code, out)
	}
	os.WriteFile(filepath.Join(dir, "accounts.json"), []byte("{"), 0o600)
	code, out, errOut := run(t, dir, "list")
	if code != ExitError || out != "" || !strings.Contains(errOut, "copy was kept") {
		t.Errorf("corrupt metadata: %d %q %q", code, out, errOut)
	}
}
