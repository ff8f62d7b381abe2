package cli_test

import "testing"

// terminalFIFO skips: the pasting terminal is a Unix named pipe.
func terminalFIFO(t *testing.T) string {
	t.Skip("SKIP on windows: the pasting terminal is stood in for by a Unix named pipe")
	return ""
}
