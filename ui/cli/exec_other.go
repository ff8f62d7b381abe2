//go:build !unix

package cli

import "os"

// execSignals are the signals exec catches while its command runs: Ctrl+C
// and Ctrl+Break (os.Interrupt).
var execSignals = []os.Signal{os.Interrupt}

// forward passes nothing on: the console delivers Ctrl+C and Ctrl+Break to
// every process attached to it, the command included. Tokentray only keeps
// them from ending itself (and the command with it), and waits for the
// command.
func forward(*os.Process, os.Signal) {}

// exitCode is a finished command's exit code.
func exitCode(ps *os.ProcessState) int { return ps.ExitCode() }
