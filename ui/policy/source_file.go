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
	return fileSources(path)
}
