package tray

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/ui/accounts"
	"github.com/tokentray/tokentray/ui/instance"
	"github.com/tokentray/tokentray/ui/system"
)

// Run starts the desktop app and returns when the user quits; files are
// connection profiles to offer (the app opened with a .tokentray.json). A
// second launch shows the running instance's window and returns at once.
func Run(open func() (*accounts.App, error), files ...string) error {
	useWords()
	app, err := open()
	if err != nil {
		return showFatal(err)
	}
	defer app.Close()
	inst, err := instance.Claim(instance.Dir(app.ConfigDir()))
	if errors.Is(err, instance.ErrRunning) {
		return nil
	}
	if err != nil {
		return err
	}
	defer func() { // stops its server (Start, below) and waits for it
		if err := inst.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "tokentray:", err)
		}
	}()

	// `tokentray token` asks this instance first (ui/accounts's token
	// endpoint); without it the command line gets tokens itself.
	if tokens, err := app.ListenTokens(); err != nil {
		fmt.Fprintln(os.Stderr, "tokentray:", err)
	} else {
		ctx, stop := context.WithCancel(context.Background())
		served := make(chan struct{})
		go func() {
			defer close(served)
			if err := tokens.Serve(ctx); err != nil {
				fmt.Fprintln(os.Stderr, "tokentray:", err)
			}
		}()
		defer func() { stop(); <-served }()
	}

	stopDemo, err := startDemo(context.Background(), app)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tokentray:", lang.L("demo provider:"), err)
	} else {
		defer stopDemo()
	}

	// Windows names notifications after the app ID and shows them only
	// once it is registered (a few registry reads when it is).
	if err := system.RegisterAppID(); err != nil {
		slog.Warn("Windows notifications: the app ID could not be registered", "err", err)
	}
	fyneApp := fyneapp.NewWithID(AppID)
	fyneApp.Settings().SetTheme(newAppTheme(fyneApp.Settings().Theme())) // the focus ring's colour (theme.go)
	fyneApp.SetIcon(Icon)
	var tray Tray
	desk, isDesktop := fyneApp.(desktop.App)
	if isDesktop {
		tray = desk
	}
	browser := system.NewBrowser()
	defer browser.Close() // after u.Close: no flow opens a page any more
	opts := Options{NoTrayHost: !system.TrayHostPresent(context.Background()), CheckKeyring: app.CheckKeyring,
		OpenURL: browser.Open}
	if s, err := app.Settings(); err == nil {
		opts.ClearAfter, opts.NotificationsOff = s.ClearAfter(), s.NotificationsOff
	}
	if as, err := system.NewAutostart(); err == nil {
		opts.Autostart = as
	}
	u := New(fyneApp, app, tray, opts)
	if isDesktop {
		desk.SetSystemTrayWindow(u.Window()) // left-click shows the window
		// That makes closing the window only hide it, replacing ours, which
		// also keeps the window's size and place.
		u.Window().SetCloseIntercept(u.closeWindow)
	}
	inst.Start(func() { u.do(u.ShowWindow) })
	app.StartKeeper()
	u.Start()
	for _, f := range files {
		u.ImportProfile(f)
	}
	fyneApp.Lifecycle().SetOnStopped(u.Stopped)
	// The window is made once the app runs: then it goes back where it was.
	// From then on the session's end quits as the tray's Quit does.
	fyneApp.Lifecycle().SetOnStarted(func() {
		u.placeWindow()
		u.takeSignals()
	})
	u.ShowWindow() // the window is the way in where there is no tray host
	fyneApp.Run()
	u.Close()
	return nil
}

// showFatal says why the app cannot start, in a small window.
func showFatal(err error) error {
	a := fyneapp.NewWithID(AppID)
	w := a.NewWindow("Tokentray")
	w.SetContent(widget.NewLabel(plainError(err)))
	w.ShowAndRun()
	return err
}
