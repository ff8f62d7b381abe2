//go:build !windows

package policy

import "os"

// readSources reads the policy file: TOKENTRAY_POLICY_FILE, else
// DefaultFile. (macOS reads the same file; configuration profiles are not
// read.)
func readSources() (mandatory, recommended []*raw, sources []Source, problems []Problem) {
	path := os.Getenv(FileEnv)
	if path == "" {
		path = DefaultFile
	}
	m, r, src, probs := readFile(path)
	if m != nil {
		mandatory = append(mandatory, m)
	}
	if r != nil {
		recommended = append(recommended, r)
	}
	return mandatory, recommended, []Source{src}, probs
}
