package tray

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestImportProfile: a profile dropped on the window is shown for
// confirmation, then added; a bad one is explained and changes nothing.
func TestImportProfile(t *testing.T) {
	f := newFixture(t, Options{})
	dir := t.TempDir()
	good := filepath.Join(dir, "clio.tokentray.json")
	os.WriteFile(good, []byte(`{"tokentray_profile": 1, "provider": {"preset": "clio-ca", "client_id": "firm-app"}}`), 0o600)
	bad := filepath.Join(dir, "bad.tokentray.json")
	os.WriteFile(bad, []byte(`{"tokentray_profile": 1, "provider": {"preset": "clio-ca"}}`), 0o600)

	f.ui.doAndWait(func() { f.ui.ImportProfile(bad) })
	f.eventually("the refusal", func() bool {
		return findDialogLabel(t, f.ui.win.Canvas(), "This connection profile cannot be used: it has no client_id") != ""
	})
	f.ui.doAndWait(func() { test.Tap(findDialogButton(t, f.ui.win.Canvas(), "Close")) })

	f.ui.doAndWait(func() { f.ui.ImportProfile(good) })
	f.eventually("the confirmation", func() bool {
		return findDialogLabel(t, f.ui.win.Canvas(), "Provider: Clio (Canada)") != ""
	})
	if p, _ := f.app.Provider(context.Background(), "clio-ca"); p.ClientID != "" {
		t.Fatal("saved before the user confirmed")
	}
	f.ui.doAndWait(func() { test.Tap(findDialogButton(t, f.ui.win.Canvas(), "Add")) })
	f.eventually("the profile saved", func() bool {
		p, _ := f.app.Provider(context.Background(), "clio-ca")
		return p.ClientID == "firm-app"
	})
}
