package tray

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/store"
)

// labels returns the text of every label in the window.
func labels(t *testing.T, c fyne.Canvas) string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			b.WriteString(v.Text + "\n")
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		case fyne.Widget:
			r := test.TempWidgetRenderer(t, v)
			for _, c := range r.Objects() {
				walk(c)
			}
		}
	}
	walk(c.Content())
	return b.String()
}

func TestWindowListsAccounts(t *testing.T) {
	a := test.NewTempApp(t)
	now := time.Now()
	w := NewWindow(a, []AccountRow{
		{Name: "Demo User", Provider: "clio-us", Expiry: now.Add(52*time.Minute + 30*time.Second)},
		{Name: "Ops", Provider: "clientcasa", Status: "reconnect"},
	}, nil)
	defer w.Close()
	w.Resize(fyne.NewSize(480, 360))
	text := labels(t, w.Canvas())
	for _, want := range []string{"Demo User — clio-us", "OK · expires in 52 min", "Ops — clientcasa", "Reconnect needed"} {
		if !strings.Contains(text, want) {
			t.Errorf("window lacks %q; has:\n%s", want, text)
		}
	}
}

func TestWindowFirstRunAndErrors(t *testing.T) {
	a := test.NewTempApp(t)
	w := NewWindow(a, nil, nil)
	if text := labels(t, w.Canvas()); !strings.Contains(text, "No accounts are connected yet") {
		t.Errorf("first run shows:\n%s", text)
	}
	w.Close()

	err := &store.CorruptError{Path: "/x/accounts.json", Backup: "/x/accounts.json.corrupt-1"}
	w = NewWindow(a, nil, err)
	defer w.Close()
	text := labels(t, w.Canvas())
	if !strings.Contains(text, "/x/accounts.json.corrupt-1") || strings.Contains(text, "corrupt (copy kept") {
		t.Errorf("error shown as:\n%s", text)
	}
}

func TestRows(t *testing.T) {
	exp := time.Now().Add(time.Hour)
	rows := Rows([]store.Account{{ID: "a", Name: "N", Provider: "p", Expiry: exp, Status: "ok"}})
	if len(rows) != 1 || rows[0] != (AccountRow{Name: "N", Provider: "p", Status: "ok", Expiry: exp}) {
		t.Errorf("rows = %+v", rows)
	}
}
