package tray

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
)

func TestProviderSettings(t *testing.T) {
	f := newFixture(t, Options{})
	f.ui.doAndWait(f.ui.ShowSettings)
	var sel *widget.Select
	f.eventually("the settings form", func() bool {
		sel = findDialog(t, f.ui.win.Canvas(), func(*widget.Select) bool { return true })
		return sel != nil
	})
	f.ui.doAndWait(func() {
		sel.SetSelected("Clio (Europe)")
		entries := 0
		findDialog(t, f.ui.win.Canvas(), func(e *widget.Entry) bool {
			switch entries {
			case 0:
				e.SetText("my-clio-app") // client ID
			case 1:
				e.SetText("my-clio-secret") // client secret
			case 2: // the token URL: kept as it is
			case 3: // the API base URL (the gateway's): kept as it is
			case 4:
				e.SetText("acme") // custom: name
			case 5:
				e.SetText(f.srv.URL) // issuer
			case 6:
				e.SetText(authtest.ClientID)
			}
			entries++
			return false
		})
		test.Tap(findDialogButton(t, f.ui.win.Canvas(), "Save"))
	})
	f.eventually("the saved message", func() bool {
		return findDialogLabel(t, f.ui.win.Canvas(), "Saved the settings of Clio (Europe).") != ""
	})
	p, err := f.app.Provider(context.Background(), "clio-eu")
	if err != nil || p.ClientID != "my-clio-app" || p.ClientSecret != "my-clio-secret" || p.APIBase != auth.ClioHostEU {
		t.Errorf("clio-eu after saving: client %q, secret set %v, API base %q, %v", p.ClientID, p.ClientSecret != "", p.APIBase, err)
	}
	f.ui.doAndWait(func() { test.Tap(findDialogButton(t, f.ui.win.Canvas(), "Add provider")) })
	f.eventually("the added message", func() bool {
		return findDialogLabel(t, f.ui.win.Canvas(), "Added acme.") != ""
	})
	if p, err := f.app.Provider(context.Background(), "acme"); err != nil || p.Endpoint.TokenURL != f.srv.URL+authtest.PathToken {
		t.Errorf("custom provider: %+v, %v", p.Endpoint, err)
	}
}
