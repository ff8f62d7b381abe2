package tray

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

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

// setUpNote is the start screen's line under the providers' buttons that
// names those not set up on this computer yet ("Not set up on this
// computer yet: Clio, ClientCasa"); hidden until the providers were read,
// and while every one is set up. One line for all the buttons, not one
// under each: rows of buttons each with a note of its own would not fit
// the window's first size (640×600).
type setUpNote struct {
	widget.Label
	buttons []setUpButton
	missing []string // the buttons not set up, as their IDs joined, as last shown
}

// setUpButton is a start-screen button that needs a provider set up: its
// label, and the providers it stands for (Clio: its regions; set up when
// one of them is).
type setUpButton struct {
	label string
	ids   []string
}

func newSetUpNote() *setUpNote {
	n := &setUpNote{}
	n.Alignment = fyne.TextAlignCenter
	n.TextStyle = fyne.TextStyle{Italic: true}
	n.SizeName = theme.SizeNameCaptionText
	n.Wrapping = fyne.TextWrapWord
	n.ExtendBaseWidget(n)
	n.Hide()
	return n
}

// add names a button whose providers ids may need setting up.
func (n *setUpNote) add(label string, ids ...string) {
	n.buttons = append(n.buttons, setUpButton{label, ids})
}

// markSetUp reads the providers (off Fyne's goroutine: the client secrets
// are in the keyring) and names in n the buttons none of whose providers
// is set up. When the providers cannot be read the note stays as it is:
// the connect dialog says why.
func (u *UI) markSetUp(n *setUpNote) {
	if n == nil || len(n.buttons) == 0 {
		return
	}
	u.goOwned(func() {
		ps, err := u.app.Providers(u.ctx)
		if err != nil {
			return
		}
		ready := map[string]bool{}
		for _, p := range ps {
			ready[p.ID] = setUp(p)
		}
		u.do(func() {
			var labels, missing []string
			for _, b := range n.buttons {
				none := true
				for _, id := range b.ids {
					none = none && !ready[id]
				}
				if none {
					labels = append(labels, b.label)
					missing = append(missing, strings.Join(b.ids, ","))
				}
			}
			n.missing = missing
			if len(labels) == 0 {
				n.Hide()
				return
			}
			n.SetText(lang.L("Not set up on this computer yet: {{.Providers}}", map[string]any{"Providers": strings.Join(labels, ", ")}))
			n.Show()
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
	var note *setUpNote
	var walk func(objs []fyne.CanvasObject)
	walk = func(objs []fyne.CanvasObject) {
		for _, o := range objs {
			switch v := o.(type) {
			case *setUpNote:
				note = v
			case *fyne.Container:
				walk(v.Objects)
			}
		}
	}
	walk(u.empty.Objects)
	u.markSetUp(note)
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
