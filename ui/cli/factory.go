package cli

import (
	"io"
	"log/slog"
	"os"

	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/accounts"
)

// IO is where a command reads and writes.
type IO struct {
	In          io.Reader
	Out, ErrOut io.Writer
}

// Factory is what the commands get from outside the package: the streams,
// the config folder, the accounts app and the environment. NewFactory makes
// a real command's; a test starts from it and replaces what differs (a
// temporary folder, buffers for the streams) to run commands in its own
// process.
type Factory struct {
	IO IO
	// ConfigDir is the folder the accounts are kept in.
	ConfigDir func() (string, error)
	// App opens the accounts app (the store and its keeper); each command
	// opens it once, when it first needs it, and closes it when done.
	App func() (*accounts.App, error)
	// Getenv reads an environment variable (doctor: the display).
	Getenv func(string) string
}

// NewFactory is a real command's factory: the process's standard streams
// (as they are now: call it after UseParentConsole), the config folder
// store.DefaultDir names (TOKENTRAY_CONFIG_DIR, else the user's config
// folder), the accounts app opened there by OpenApp, and the process's
// environment.
func NewFactory() *Factory {
	f := &Factory{
		IO:        IO{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr},
		ConfigDir: store.DefaultDir,
		Getenv:    os.Getenv,
	}
	f.App = f.OpenApp
	return f
}

// OpenApp opens the accounts app on f's config folder (f.ConfigDir as it
// is when called), with a log on f's stderr of warnings and errors only
// (the commands say in plain words what they do; a script's stderr gets
// nothing else).
func (f *Factory) OpenApp() (*accounts.App, error) {
	dir, err := f.ConfigDir()
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(f.IO.ErrOut, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return accounts.Open(accounts.Options{Dir: dir, Logger: log})
}
