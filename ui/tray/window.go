package tray

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/auth/keeper"
)

// The accounts window: the list of accounts, the actions bar, the status
// line and recent events.

// ShowWindow brings the accounts window up, with fresh statuses.
func (u *UI) ShowWindow() {
	u.win.Show()
	u.win.RequestFocus()
	u.goOwned(u.reload)
}

// eventsHeight is the height of the recent-events list (about three lines).
const eventsHeight = 110

// keptEvents is how many recent events the list keeps.
const keptEvents = 50

func (u *UI) content() fyne.CanvasObject {
	u.status = widget.NewLabel("")
	u.status.Wrapping = fyne.TextWrapWord
	u.events = widget.NewList(
		func() int { return len(u.log) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(u.log) {
				o.(*widget.Label).SetText(u.log[len(u.log)-1-i]) // newest first
			}
		})
	welcome := widget.NewLabel("Welcome to Tokentray.\n\nNo accounts are connected yet. Connect an account " +
		"(Clio, ClientCasa or another OAuth provider), or import your Claude sign-in, and Tokentray keeps its token fresh for you.")
	welcome.Wrapping = fyne.TextWrapWord
	u.empty = container.NewVBox(welcome)
	u.list = widget.NewList(
		func() int { return len(u.statuses) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			detail := widget.NewLabel("")
			buttons := container.NewHBox(widget.NewButton("Copy", nil), widget.NewButton("Copy header", nil),
				widget.NewButton("Reconnect", nil), widget.NewButton("Disconnect", nil))
			return container.NewVBox(name, detail, buttons)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(u.statuses) {
				return
			}
			s := u.statuses[i]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(u.label(s))
			box.Objects[1].(*widget.Label).SetText(u.detail(s))
			b := box.Objects[2].(*fyne.Container).Objects
			id, name := s.ID, s.Name
			b[0].(*widget.Button).OnTapped = func() { u.Copy(id, false) }
			b[1].(*widget.Button).OnTapped = func() { u.Copy(id, true) }
			b[2].(*widget.Button).OnTapped = func() { u.Reconnect(id) }
			b[3].(*widget.Button).OnTapped = func() { u.ConfirmDisconnect(id, name) }
		},
	)
	connect := widget.NewButton("Connect an account…", func() { u.ShowConnect("") })
	connect.Importance = widget.HighImportance
	importClaude := widget.NewButton("Import Claude sign-in…", u.ShowImportClaude)
	settings := widget.NewButton("Provider settings…", u.ShowSettings)
	prefs := widget.NewButton("Preferences…", u.ShowPreferences)
	bar := container.NewHBox(connect, importClaude, settings, prefs)
	if as := u.opts.Autostart; as != nil {
		on, _ := as.Enabled()
		check := widget.NewCheck("Start at login", nil)
		check.SetChecked(on)
		check.OnChanged = func(want bool) {
			if err := as.Set(want); err != nil {
				u.setStatusLine("Could not change starting at login: " + plainError(err))
				return
			}
			if want {
				u.setStatusLine("Tokentray will start when you log in.")
			} else {
				u.setStatusLine("Tokentray will no longer start when you log in.")
			}
		}
		bar.Add(check)
	}
	top := container.NewVBox(bar)
	u.top = top
	if u.opts.NoTrayHost {
		note := widget.NewLabel("Your desktop shows no tray icons, so Tokentray lives in this window. " +
			"On GNOME, install the AppIndicator extension (package gnome-shell-extension-appindicator) and log in again " +
			"to get the tray icon. Closing this window keeps Tokentray running; start it again to bring the window back.")
		note.Wrapping = fyne.TextWrapWord
		note.Importance = widget.WarningImportance
		top.Add(note)
	}
	top.Add(u.status)
	// A fixed height, scrolling inside: however many events come, the
	// window keeps its size.
	height := canvas.NewRectangle(color.Transparent)
	height.SetMinSize(fyne.NewSize(0, eventsHeight))
	bottom := container.NewVBox(widget.NewSeparator(),
		widget.NewLabelWithStyle("Recent events", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewStack(height, u.events))
	return container.NewBorder(top, bottom, nil, nil, container.NewStack(u.list, u.empty))
}

// detail is an account's second line in the window.
func (u *UI) detail(s keeper.Status) string {
	now := u.opts.Now()
	parts := []string{StatusWord(s, now)}
	if !s.LastRefresh.IsZero() {
		parts = append(parts, "last refreshed "+s.LastRefresh.Local().Format("15:04"))
	}
	if s.LastError != "" && s.Status != keeper.StatusOK {
		parts = append(parts, s.LastError)
	}
	return strings.Join(parts, " · ")
}

func (u *UI) setStatusLine(text string) { u.status.SetText(text) }

// label is an account's line in the menu and the window: its name and its
// provider's.
func (u *UI) label(s keeper.Status) string {
	p := u.names[s.Provider]
	if p == "" {
		p = s.Provider
	}
	return s.Name + " — " + p
}
