package cli

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"time"

	"github.com/tokentray/tokentray/ui/words"
)

func cmdExec(ctx context.Context, e *env, args []string) error {
	fs := e.flags("exec")
	envName := fs.String("env", "TOKENTRAY_ACCESS_TOKEN", words.Mark("environment variable that carries the token"))
	minValid := fs.Duration("min-valid", 5*time.Minute, words.Mark("the token stays valid at least this long"))
	retryFor := fs.Duration("retry-for", defaultRetryFor, words.Mark("keep trying this long while the provider fails for a passing reason"))
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 3 || pos[1] != "--" {
		return badUsage(words.L("exec takes an account name, then -- and a command"))
	}
	tok, _, err := e.patientToken(ctx, pos[0], *minValid, false, *retryFor)
	if err != nil {
		return err
	}
	// Not CommandContext: Ctrl+C must not kill the command (SIGKILL leaves
	// it no clean-up); it gets the signal, and exec exits as it does.
	c := exec.Command(pos[2], pos[3:]...)
	c.Stdin, c.Stdout, c.Stderr = e.In, e.Out, e.ErrOut
	c.Env = append(os.Environ(), *envName+"="+tok.AccessToken)
	e.exit, err = runForwarding(ctx, c)
	return err
}

// runForwarding starts c and waits for it as a shell waits for a command
// in the foreground. While c runs, the signals that would end Tokentray
// (execSignals) are caught and handed to forward, and Tokentray keeps
// waiting for c whatever arrives; they are caught no longer once c has
// exited. It returns c's exit code as exitCode gives it. An error means c
// did not start (also when ctx is done before it starts: Ctrl+C while the
// token was fetched), or copying its input or output failed
// (exec.Cmd.Wait).
func runForwarding(ctx context.Context, c *exec.Cmd) (int, error) {
	sigs := make(chan os.Signal, len(execSignals))
	signal.Notify(sigs, execSignals...)
	defer signal.Stop(sigs)
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if err := c.Start(); err != nil {
		return 0, err
	}
	waited := make(chan error, 1)
	go func() { waited <- c.Wait() }() // ends when c has exited; received below before returning
	for {
		select {
		case sig := <-sigs:
			forward(c.Process, sig)
		case err := <-waited:
			var exit *exec.ExitError
			if err != nil && !errors.As(err, &exit) {
				return 0, err
			}
			return exitCode(c.ProcessState), nil
		}
	}
}
