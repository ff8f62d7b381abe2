// Command tokentray-app (Tokentray.exe on Windows) is the desktop app, a tray
// app that keeps OAuth tokens fresh; given a subcommand it is the command
// line instead (no Fyne app is made). On Linux people and scripts run
// tokentray (ui/cli/tokentray), the command line without Fyne, which starts
// this program when asked for the app.
package main

import (
	"os"

	"github.com/tokentray/tokentray/ui/accounts"
	"github.com/tokentray/tokentray/ui/cli"
	"github.com/tokentray/tokentray/ui/tray"
)

func main() {
	if cli.IsCommand(os.Args[1:]) {
		cli.UseParentConsole() // Windows GUI build started from a console: use it
		os.Exit(cli.Run(os.Args[1:], cli.NewFactory()))
	}
	if tray.Run(func() (*accounts.App, error) { return accounts.Open(accounts.Options{}) }, os.Args[1:]...) != nil {
		os.Exit(1)
	}
}
