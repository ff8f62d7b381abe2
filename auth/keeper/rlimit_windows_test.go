package keeper

import "testing"

// fileSizeLimit skips: a full disk is simulated with RLIMIT_FSIZE, which
// Windows does not have.
func fileSizeLimit(t *testing.T) (limit func(n uint64), lift func()) {
	t.Skip("SKIP on windows: a full disk is simulated with RLIMIT_FSIZE, which Windows does not have")
	return nil, nil
}
