package cli

import (
	"fmt"

	"github.com/tokentray/tokentray/ui/policy"
	"github.com/tokentray/tokentray/ui/words"
)

// doctorPolicy lists, for doctor, where managed settings were looked for,
// what was found, and each value that could not be used and why. A value
// skipped is a failed check: IT should hear of it.
func doctorPolicy(e *env, check func(good bool, what, fix string)) {
	pol := policy.Load()
	for _, src := range pol.Sources {
		data := map[string]any{"Where": src.Where, "N": src.Values}
		if src.Found {
			check(true, words.L("managed settings: {{.Where}} ({{.N}} values)", data), "")
		} else {
			check(true, words.L("managed settings: {{.Where}} (none)", data), "")
		}
	}
	if pol.ManagedBy != "" {
		fmt.Fprintf(e.Out, "      %s\n", words.L("Managed by {{.By}}", map[string]any{"By": pol.ManagedBy}))
	}
	for _, pr := range pol.Problems {
		check(false, words.L("a managed setting could not be used"), pr.Message())
	}
}
