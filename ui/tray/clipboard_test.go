package tray

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/store/storetest"
)

func TestCopyThenClear(t *testing.T) {
	f := newFixture(t, Options{ClearAfter: 200 * time.Millisecond})
	id := f.connect("Work")
	f.eventually("the account in the window", func() bool { return len(f.ui.statuses) == 1 })

	// The window's Copy button.
	var copyButton *widget.Button
	f.ui.doAndWait(func() { copyButton = findButton(t, f.ui.win.Canvas(), "Copy token") })
	if copyButton == nil {
		t.Fatal("no Copy button in the window")
	}
	f.ui.doAndWait(func() { test.Tap(copyButton) })
	var tok string
	f.eventually("the token on the clipboard", func() bool { tok = f.fyneApp.Clipboard().Content(); return tok != "" })
	storetest.Secret(t, tok)
	if !f.srv.Accepts(context.Background(), tok) {
		t.Error("the copied token is rejected by the server")
	}
	var line string
	f.ui.doAndWait(func() { line = f.ui.status.Text })
	if !strings.Contains(line, "copied. It will be cleared from the clipboard in") {
		t.Errorf("status line: %q", line)
	}
	f.eventually("the clipboard cleared", func() bool { return f.fyneApp.Clipboard().Content() == "" })

	// Something else copied meanwhile is left alone.
	f.ui.doAndWait(func() { f.ui.Copy(id, true) })
	f.eventually("the header on the clipboard", func() bool {
		return strings.HasPrefix(f.fyneApp.Clipboard().Content(), "Authorization: Bearer ")
	})
	f.ui.doAndWait(func() { f.fyneApp.Clipboard().SetContent("the user's own text") })
	f.eventually("the clear timer to pass", func() bool { return f.ui.lastCopy == "" })
	if got := f.fyneApp.Clipboard().Content(); got != "the user's own text" {
		t.Errorf("the user's clipboard was changed: %q", got)
	}

	// Quitting clears a token still on the clipboard.
	f.ui.doAndWait(func() { f.ui.Copy(id, false) })
	f.eventually("the token on the clipboard", func() bool { return f.ui.lastCopy != "" })
	f.ui.doAndWait(f.ui.clearCopied) // what quit does first
	if got := f.fyneApp.Clipboard().Content(); got != "" {
		t.Error("the token stayed on the clipboard after quitting")
	}
}
