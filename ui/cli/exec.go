package cli

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"os/signal"
)

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
