package tray

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store/storetest"
	"github.com/tokentray/tokentray/ui/accounts"
)

// dialogTexts is every label's and entry's text in the window's dialogs.
func dialogTexts(t *testing.T, c fyne.Canvas) string {
	var b strings.Builder
	for _, o := range c.Overlays().List() {
		findOK(t, o, func(l *widget.Label) bool { b.WriteString(l.Text + "\n"); return false })
		findOK(t, o, func(e *widget.Entry) bool { b.WriteString(e.Text + "\n"); return false })
	}
	return b.String()
}

// TestImportClaude: the window finds Claude Code's credentials file where
// it lives, shows who, which plan and until when — never a token — and
// imports it linked to the file; pasted credentials import as a copy with
// a plain warning, text that is no sign-in is said to be none, and
// Reconnect of the imported account imports the new sign-in into the same
// account.
func TestImportClaude(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	p, _ := auth.PresetAt("anthropic", f.srv.URL)
	if err := f.app.SaveProvider(ctx, p); err != nil {
		t.Fatal(err)
	}
	// Where Claude Code keeps it: ~/.claude/.credentials.json, and who is
	// signed in in ~/.claude.json.
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("CLAUDE_CONFIG_DIR", "")
	dir := filepath.Join(home, ".claude")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, ".credentials.json")
	writeClaude := func() (access, refresh string) {
		t.Helper()
		issued, err := f.srv.IssueTokens(ctx, "user:inference")
		if err != nil {
			t.Fatal(err)
		}
		storetest.Secret(t, issued.AccessToken, issued.RefreshToken)
		os.WriteFile(file, []byte(fmt.Sprintf(`{"claudeAiOauth":{"accessToken":%q,"refreshToken":%q,"expiresAt":%d,"subscriptionType":"max"}}`,
			issued.AccessToken, issued.RefreshToken, time.Now().Add(3*time.Hour).UnixMilli())), 0o600)
		return issued.AccessToken, issued.RefreshToken
	}
	access, refresh := writeClaude()
	os.WriteFile(filepath.Join(home, ".claude.json"), []byte(`{"oauthAccount":{"emailAddress":"ada@example.com"}}`), 0o600)
	c := f.ui.win.Canvas()

	// Connect an account… offers it too, and opens the import.
	f.ui.doAndWait(func() { f.ui.ShowConnect("") })
	var sel *widget.Select
	f.eventually("the provider step", func() bool {
		sel = findDialog(t, c, func(*widget.Select) bool { return true })
		return sel != nil && len(sel.Options) > 0
	})
	f.ui.doAndWait(func() {
		sel.SetSelected("Anthropic (Claude) — import sign-in")
		test.Tap(findDialogButton(t, c, "Connect"))
	})
	f.eventually("the import dialog", func() bool { return findDialogButton(t, c, "Choose file…") != nil })
	f.ui.doAndWait(func() { test.Tap(findDialogButton(t, c, "Cancel")) })

	// Found where Claude Code keeps it.
	f.ui.doAndWait(func() { test.Tap(findButton(t, c, "Import Claude sign-in…")) })
	f.eventually("the preview", func() bool {
		return strings.Contains(findDialogLabel(t, c, "Account:"), "ada@example.com")
	})
	f.ui.doAndWait(func() {
		preview := findDialogLabel(t, c, "Account:")
		if !strings.Contains(preview, "Plan: Max") || !strings.Contains(preview, "valid until") {
			t.Errorf("preview: %q", preview)
		}
		if all := dialogTexts(t, c); strings.Contains(all, access) || strings.Contains(all, refresh) {
			t.Error("the dialog shows a token")
		}
		if findDialogLabel(t, c, "Found Claude's sign-in in "+file) == "" {
			t.Errorf("the dialog does not say where it found the sign-in:\n%s", dialogTexts(t, c))
		}
		if findDialogLabel(t, c, "Tokentray and Claude Code will share one sign-in") == "" {
			t.Error("the dialog does not say the sign-in is shared with Claude Code")
		}
		test.Tap(findDialogButton(t, c, "Import"))
	})
	f.eventually("the account", func() bool { return findLabel(t, c, "Imported ada@example.com.") != nil })
	sts, _ := f.app.Statuses()
	if len(sts) != 1 || sts[0].Name != "ada@example.com" || accounts.LinkedFile(sts[0].Account) != file {
		t.Fatalf("after import: %+v", sts)
	}
	id := sts[0].ID

	// Pasted: a copy, and the dialog says what that means.
	f.ui.doAndWait(f.ui.ShowImportClaude)
	f.eventually("the dialog", func() bool { return findDialogButton(t, c, "Paste instead…") != nil })
	var paste *widget.Entry
	f.ui.doAndWait(func() {
		test.Tap(findDialogButton(t, c, "Paste instead…"))
		paste = findDialog(t, c, func(e *widget.Entry) bool { return e.MultiLine })
		paste.SetText(`{"nothing": true}`)
		if findDialogLabel(t, c, "This is not a Claude sign-in.") == "" {
			t.Errorf("not a sign-in, said as:\n%s", dialogTexts(t, c))
		}
		paste.SetText(fmt.Sprintf(`{"access_token":"a-pasted","refresh_token":"r-pasted","expires_at":%d,"subscription_type":"pro"}`,
			time.Now().Add(time.Hour).UnixMilli()))
		if findDialogLabel(t, c, "This will be a copy.") == "" {
			t.Errorf("a pasted sign-in does not warn:\n%s", dialogTexts(t, c))
		}
		test.Tap(findDialogButton(t, c, "Import"))
	})
	f.eventually("the pasted account", func() bool { return findLabel(t, c, "Imported Claude (pro).") != nil })

	// Claude signs in again; Reconnect imports into the same account.
	access, _ = writeClaude()
	f.ui.doAndWait(func() { f.ui.Reconnect(id) })
	f.eventually("the re-import dialog", func() bool {
		return findDialogLabel(t, c, "Found Claude's sign-in") != "" && findDialogButton(t, c, "Import") != nil &&
			!findDialogButton(t, c, "Import").Disabled()
	})
	f.ui.doAndWait(func() { test.Tap(findDialogButton(t, c, "Import")) })
	f.eventually("the re-import", func() bool {
		return findLabel(t, c, "Imported the new sign-in into ada@example.com.") != nil
	})
	tok, err := f.app.EnsureFresh(ctx, id, time.Minute)
	if err != nil || tok.AccessToken != access {
		t.Errorf("after Reconnect the account does not hold the new sign-in: %v", err)
	}
	if sts, _ := f.app.Statuses(); len(sts) != 2 {
		t.Errorf("Reconnect made a new account: %d accounts", len(sts))
	}
}
