package tray

import (
	"strings"
	"testing"
)

func TestTrayMenuAndIcon(t *testing.T) {
	f := newFixture(t, Options{})
	f.eventually("the empty menu", func() bool { m, _, _ := f.tray.last(); return m != nil })
	m, icon, _ := f.tray.last()
	if icon != iconNone || m.Items[0].Label != "No accounts connected" {
		t.Errorf("nothing connected: icon %v, menu %v", icon.Name(), menuLabels(m))
	}

	f.connect("Work")
	f.eventually("the account in the menu", func() bool {
		m, icon, _ := f.tray.last()
		return icon == iconOK && m.Items[0].Label == "Work · Demo provider — Fresh"
	})
	m, _, rebuilt := f.tray.last()
	var sub []string
	for _, it := range m.Items[0].ChildMenu.Items {
		sub = append(sub, it.Label)
	}
	if strings.Join(sub, "|") != "Copy token|Copy as Authorization header|Reconnect…|Disconnect…" {
		t.Errorf("account submenu: %v", sub)
	}
	if labels := strings.Join(menuLabels(m), "|"); !strings.Contains(labels, "Connect an account…|Import Claude sign-in…|Open Tokentray") {
		t.Errorf("menu: %v", labels)
	}
	// Nothing changed: the menu is not rebuilt.
	f.ui.reload()
	f.ui.reload()
	f.ui.doAndWait(func() {}) // the reloads have been applied
	if _, _, n := f.tray.last(); n != rebuilt {
		t.Errorf("menu rebuilt %d times without a change", n-rebuilt)
	}
	// The tray's Copy token goes through the keeper to the clipboard.
	f.ui.doAndWait(m.Items[0].ChildMenu.Items[0].Action)
	f.eventually("the token on the clipboard", func() bool { return f.fyneApp.Clipboard().Content() != "" })
}
