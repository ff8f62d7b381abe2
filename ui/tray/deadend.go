package tray

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/ui/words"
)

// The start screen says which providers are not set up on this computer
// yet, before the user meets the dead end of connecting one.

// setUp says whether connecting p can get as far as the browser: it has a
// client ID, and a client secret if it takes no token request without one
// (what auth.Connect refuses at once: Error.NoClientID, NoClientSecret); a
// provider whose sign-in is imported (RedirectNone) needs neither.
func setUp(p auth.Provider) bool {
	if p.Redirect == auth.RedirectNone {
		return true
	}
	return p.ClientID != "" && (!p.Confidential || p.ClientSecret != "")
}

// setUpNote is the start screen's small "Not set up yet" under a
// provider's button; hidden until the providers were read, and when one of
// the providers the button stands for is set up. Plain text, without a
// label's padding: three rows of buttons with their notes fit the window's
// first size.
type setUpNote struct {
	canvas.Text
	ids []string // the providers the button stands for (Clio: its regions)
}

func newSetUpNote(ids ...string) *setUpNote {
	n := &setUpNote{ids: ids}
	n.Text.Text = lang.L("Not set up yet")
	n.Color = theme.Color(theme.ColorNamePlaceHolder)
	n.Alignment = fyne.TextAlignCenter
	n.TextStyle = fyne.TextStyle{Italic: true}
	n.TextSize = theme.CaptionTextSize()
	n.Hide()
	return n
}

// markSetUp reads the providers (off Fyne's goroutine: the client secrets
// are in the keyring) and shows each note whose providers are all not set
// up. When the providers cannot be read the notes stay as they are: the
// connect dialog says why.
func (u *UI) markSetUp(notes []*setUpNote) {
	if len(notes) == 0 {
		return
	}
	u.goOwned(func() {
		ps, err := u.be.Providers(u.ctx)
		if err != nil {
			return
		}
		ready := map[string]bool{}
		for _, p := range ps {
			ready[p.ID] = setUp(p)
		}
		u.do(func() {
			for _, n := range notes {
				missing := true
				for _, id := range n.ids {
					missing = missing && !ready[id]
				}
				if missing {
					n.Show()
				} else {
					n.Hide()
				}
			}
		})
	})
}

// refreshSetUp looks again at which providers the start screen says are
// not set up (a connection profile added, the settings changed). On Fyne's
// goroutine.
func (u *UI) refreshSetUp() {
	if u.empty == nil {
		return
	}
	var notes []*setUpNote
	var walk func(objs []fyne.CanvasObject)
	walk = func(objs []fyne.CanvasObject) {
		for _, o := range objs {
			switch v := o.(type) {
			case *setUpNote:
				notes = append(notes, v)
			case *fyne.Container:
				walk(v.Objects)
			}
		}
	}
	walk(u.empty.Objects)
	u.markSetUp(notes)
}

// showSettingsThen opens the provider settings at provider id; the start
// screen's notes are looked at again once they close.
func (u *UI) showSettingsThen(id string) {
	before := len(u.keys.open)
	u.showSettings(id)
	// ShowSettings tracks its dialog for the keyboard at once (trackDialog):
	// the newest one is the settings'.
	if n := len(u.keys.open); n > before {
		u.keys.open[n-1].d.SetOnClosed(func() { u.refreshSetUp() })
	}
}

// providerWords is a provider's name in a sentence: a Clio preset's, with
// its region in the user's language ("Clio (Europe)"); any other name —
// a brand, or the name someone gave the provider — as it is.
func providerWords(id, name string) string { return words.ProviderName(id, name) }
