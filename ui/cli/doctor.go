package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/policy"
	"github.com/tokentray/tokentray/ui/words"
)

// cmdDoctor checks what Tokentray needs, one line each: the config folder,
// the managed settings, the keyring, and the desktop (doctorFolder and
// doctorDesktop, one for each system).
func cmdDoctor(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return badUsage(words.L("doctor takes no arguments"))
	}
	ok := true
	check := func(good bool, what, fix string) {
		mark := "ok  "
		if !good {
			mark, ok = words.L("FAIL"), false
		}
		fmt.Fprintf(e.Out, "%s  %s\n", mark, what)
		if !good && fix != "" {
			fmt.Fprintf(e.Out, "      %s\n", fix)
		}
	}
	dir, err := e.f.ConfigDir()
	if err == nil {
		fi, serr := os.Stat(dir)
		if serr != nil {
			check(true, words.L("config folder {{.Dir}} (not created yet)", map[string]any{"Dir": dir}), "")
		} else {
			doctorFolder(check, dir, fi)
		}
	}
	doctorPolicy(e, check)
	kctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	kerr := store.CheckKeyring(kctx, store.Options{}) // the store is not opened: that would create its folder
	cancel()
	fix := ""
	if kerr != nil {
		fix = message(kerr)
	}
	check(kerr == nil, words.L("system keyring reachable and unlocked"), fix)
	doctorDesktop(ctx, e, check)
	if !ok {
		return errDoctor
	}
	return nil
}

// checkFunc prints one of doctor's lines: ok or FAIL, what was checked,
// and, when it failed, what to do about it (fix, when not empty).
type checkFunc func(good bool, what, fix string)

// errDoctor is doctor's failure, worded when it is shown.
var errDoctor error = doctorError{}

type doctorError struct{}

func (doctorError) Error() string { return words.L("some checks failed (see above)") }

// doctorPolicy lists, for doctor, where managed settings were looked for,
// what was found, and each value that could not be used and why. A value
// skipped is a failed check: IT should hear of it.
func doctorPolicy(e *env, check checkFunc) {
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
