//go:build !windows

package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/tokentray/tokentray/ui/policy"
)

// setPolicy makes values the managed settings the command line reads, as
// IT would: here a policy file (TOKENTRAY_POLICY_FILE); it returns the
// environment that points there.
func setPolicy(t *testing.T, values map[string]any) []string {
	t.Helper()
	data, err := json.Marshal(values)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{policy.FileEnv + "=" + file}
}
