package tray

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/accounts"
)

// TestGatewayInTheWindow: the gateway is off at first; turned on from the
// Settings menu, the window shows its address with Copy address and Copy
// key, each card's menu copies the account's gateway address, and a tool
// with the key reaches the account's API through it; turned off, the line
// goes and nothing answers at the address any more.
func TestGatewayInTheWindow(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	p, err := f.app.Provider(ctx, "demo")
	if err == nil {
		p, err = p.WithAPIBase(f.srv.URL + "/oauth2")
	}
	if err == nil {
		err = f.app.SaveProvider(ctx, p)
	}
	if err != nil {
		t.Fatal(err)
	}
	id := f.connect("Work")
	f.eventually("the account in the window", func() bool { return len(f.ui.statuses) == 1 })

	item := func() (label string, checked bool) {
		f.ui.doAndWait(func() {
			for _, it := range f.ui.settingsMenu().Items {
				if strings.HasPrefix(it.Label, "Gateway") {
					label, checked = it.Label, it.Checked
				}
			}
		})
		return label, checked
	}
	if label, on := item(); label == "" || on {
		t.Fatalf("Settings menu: gateway item %q, checked %v; want it there, unchecked", label, on)
	}
	f.ui.doAndWait(func() { f.ui.setGatewayOn(true) })
	f.eventually("the gateway serving", func() bool { return f.ui.gwPort != 0 && f.ui.gw.box.Visible() })
	if _, on := item(); !on {
		t.Error("the Settings menu's gateway item is not checked once on")
	}
	var port int
	var shown string
	f.ui.doAndWait(func() { port, shown = f.ui.gwPort, f.ui.gw.address.Text })
	address := accounts.GatewayAddress(port)
	if !strings.Contains(shown, address) {
		t.Errorf("the window shows %q, want the address %s", shown, address)
	}

	var copyAddress, copyKey *widget.Button
	f.ui.doAndWait(func() {
		copyAddress = findButton(t, f.ui.win.Canvas(), "Copy address")
		copyKey = findButton(t, f.ui.win.Canvas(), "Copy key")
	})
	f.ui.doAndWait(func() { test.Tap(copyAddress) })
	if got := f.fyneApp.Clipboard().Content(); got != address {
		t.Errorf("Copy address copied %q, want %s", got, address)
	}
	f.ui.doAndWait(func() { test.Tap(copyKey) })
	var key string
	f.eventually("the key on the clipboard", func() bool { key = f.fyneApp.Clipboard().Content(); return key != address })
	storetest.Secret(t, key)
	if want, err := f.app.GatewayKey(ctx); err != nil || key != want {
		t.Errorf("Copy key copied another text than the gateway key (%v)", err)
	}

	// A new key: the old one is refused at once, the new one copied.
	var newKey *widget.Button
	f.ui.doAndWait(func() { newKey = findButton(t, f.ui.win.Canvas(), "New key…") })
	f.ui.doAndWait(func() { test.Tap(newKey) })
	f.ui.doAndWait(func() { test.Tap(findDialogButton(t, f.ui.win.Canvas(), "Make a new key")) })
	f.eventually("a new key", func() bool {
		k, err := f.app.GatewayKey(ctx)
		return err == nil && k != key
	})
	old := key
	f.ui.doAndWait(func() { test.Tap(copyKey) })
	f.eventually("the new key on the clipboard", func() bool { key = f.fyneApp.Clipboard().Content(); return key != old && key != address })
	storetest.Secret(t, key)

	var copyAccount func()
	f.ui.doAndWait(func() {
		for _, it := range f.ui.cardMenu(id, "Work").Items {
			if it.Label == "Copy gateway address" {
				copyAccount = it.Action
			}
		}
	})
	if copyAccount == nil {
		t.Fatal("the card's menu has no Copy gateway address")
	}
	f.ui.doAndWait(copyAccount)
	if got := f.fyneApp.Clipboard().Content(); got != address+"/Work/" {
		t.Errorf("Copy gateway address copied %q, want %s/Work/", got, address)
	}

	req, _ := http.NewRequest(http.MethodGet, address+"/Work/userinfo", nil)
	req.SetBasicAuth("excel", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Demo User") {
		t.Errorf("through the app's gateway: %s %s", resp.Status, body)
	}
	req, _ = http.NewRequest(http.MethodGet, address+"/Work/userinfo", nil)
	req.SetBasicAuth("excel", old)
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else if resp.Body.Close(); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("with the old key: %s, want 401", resp.Status)
	}

	f.ui.doAndWait(func() { f.ui.setGatewayOn(false) })
	f.eventually("the gateway stopped", func() bool { return f.ui.gwPort == 0 && !f.ui.gw.box.Visible() })
	if c, err := net.Dial("tcp", strings.TrimPrefix(address, "http://")); err == nil {
		c.Close()
		t.Error("something still answers at the gateway's address once it is off")
	}
}

// TestGatewayAllowFromTheCard: changes through the gateway are off for an
// account until its card's menu allows them; then a tool's POST reaches
// the service.
func TestGatewayAllowFromTheCard(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.connect("Work")
	f.eventually("the account in the window", func() bool { return len(f.ui.statuses) == 1 })
	f.ui.doAndWait(func() { f.ui.setGatewayOn(true) })
	f.eventually("the gateway serving", func() bool { return f.ui.gwPort != 0 })
	allow := func() (checked bool, action func()) {
		f.ui.doAndWait(func() {
			for _, it := range f.ui.cardMenu(id, "Work").Items {
				if it.Label == "Allow changes through the gateway" {
					checked, action = it.Checked, it.Action
				}
			}
		})
		return checked, action
	}
	checked, action := allow()
	if action == nil || checked {
		t.Fatalf("card menu: allow changes item present %v, checked %v; want present, unchecked", action != nil, checked)
	}
	f.ui.doAndWait(action)
	f.eventually("changes allowed", func() bool {
		for _, s := range f.ui.statuses {
			if ch, _ := accounts.GatewayAllows(s.Account); s.ID == id && ch {
				return true
			}
		}
		return false
	})
	if checked, _ := allow(); !checked {
		t.Error("the card menu's item is not checked once allowed")
	}
}
