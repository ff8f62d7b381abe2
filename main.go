// Command tokentray is a tray app that keeps OAuth tokens fresh; given a
// subcommand it is the command line instead (no Fyne app is made).
package main

import (
	"os"

	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/cli"
	"github.com/tokentray/tokentray/ui/tray"
)

func main() {
	open := func() (*store.Store, error) { return store.Open(store.Options{}) }
	if cli.IsCommand(os.Args[1:]) {
		os.Exit(cli.Run(os.Args[1:], cli.IO{Out: os.Stdout, ErrOut: os.Stderr}, open))
	}
	tray.Run(func() ([]store.Account, error) {
		st, err := open()
		if err != nil {
			return nil, err
		}
		return st.Accounts()
	})
}
