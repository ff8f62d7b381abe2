package tray

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/accounts"
)

// cards returns the window's account cards by account name.
func (f *fixture) cards() map[string]*accountCard {
	f.t.Helper()
	var out map[string]*accountCard
	f.ui.doAndWait(func() { out = f.cardsNow() })
	return out
}

// cardsNow is cards, on Fyne's goroutine (inside eventually's condition).
func (f *fixture) cardsNow() map[string]*accountCard {
	f.t.Helper()
	out := map[string]*accountCard{}
	func() {
		var walk func(o fyne.CanvasObject)
		walk = func(o fyne.CanvasObject) {
			if o == nil || !o.Visible() {
				return
			}
			if c, ok := o.(*accountCard); ok && c.id != "" {
				out[c.accountName] = c
				return
			}
			switch v := o.(type) {
			case *fyne.Container:
				for _, k := range v.Objects {
					walk(k)
				}
			case fyne.Widget:
				for _, k := range test.TempWidgetRenderer(f.t, v).Objects() {
					walk(k)
				}
			}
		}
		// The list draws only the cards in view: look at each in turn.
		for i := range f.ui.statuses {
			f.ui.list.ScrollTo(i)
			walk(f.ui.list)
		}
	}()
	return out
}

// setState gives an account a state as the keeper would have recorded it.
func (f *fixture) setState(id string, edit func(*store.Account)) {
	f.t.Helper()
	err := f.st.Update(context.Background(), func(tx *store.Tx) error {
		a, err := tx.Account(id)
		if err != nil {
			return err
		}
		edit(&a)
		return tx.PutAccount(a)
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// TestCardStates: each account is a card with its state as a symbol (the
// tray icon's, in its colour), in words with when it renews, and in
// colour for the states that need attention; a Clio account names its
// region; Copy token is the card's main button and the rest is in its
// menu, but for an account that needs reconnecting: its main button is
// Reconnect…, and Copy token is in its menu.
func TestCardStates(t *testing.T) {
	f := newFixture(t, Options{})
	f.connect("Fresh one")
	failing := f.connect("Failing one")
	broken := f.connect("Broken one")
	clio := f.connect("Firm")
	f.setState(failing, func(a *store.Account) {
		a.Status, a.LastError = keeper.StatusFailing, "Demo provider could not be reached."
	})
	f.setState(broken, func(a *store.Account) { a.Status = keeper.StatusReconnect })
	f.setState(clio, func(a *store.Account) { a.Provider = "clio-eu" })
	f.ui.reload()
	f.eventually("four cards", func() bool { return len(f.ui.statuses) == 4 })
	cards := f.cards()
	if len(cards) != 4 {
		t.Fatalf("%d cards shown, want 4", len(cards))
	}
	renews := regexp.MustCompile(`^Fresh · renews in (5[0-9]|60) min$`)
	for _, c := range []struct {
		name, provider string
		words          *regexp.Regexp
		icon           fyne.Resource
		importance     widget.Importance
		copyMain       bool
	}{
		{"Fresh one", "Demo provider", renews, iconOK, widget.MediumImportance, true},
		{"Failing one", "Demo provider", regexp.MustCompile(`^Can't renew · trying again$`), iconAttention, widget.WarningImportance, true},
		{"Broken one", "Demo provider", regexp.MustCompile(`^Reconnect needed$`), iconBroken, widget.DangerImportance, false},
		{"Firm", "Clio · Europe", renews, iconOK, widget.MediumImportance, true},
	} {
		card := cards[c.name]
		if card == nil {
			t.Errorf("no card for %s", c.name)
			continue
		}
		f.ui.doAndWait(func() {
			if card.name.Text != c.name || card.provider.Text != c.provider {
				t.Errorf("%s: card says %q / %q, want provider %q", c.name, card.name.Text, card.provider.Text, c.provider)
			}
			if !c.words.MatchString(card.state.Text) {
				t.Errorf("%s: state words %q, want %v", c.name, card.state.Text, c.words)
			}
			if card.symbol.Resource != c.icon {
				t.Errorf("%s: symbol %s, want %s", c.name, card.symbol.Resource.Name(), c.icon.Name())
			}
			if card.state.Importance != c.importance {
				t.Errorf("%s: state colour (importance) %v, want %v", c.name, card.state.Importance, c.importance)
			}
			main := card.copy
			if !c.copyMain {
				main = card.reconnect
			}
			if shown := mainButton(card); shown != main || main.Importance != widget.HighImportance {
				t.Errorf("%s: the main button is %q, want %q (blue)", c.name, shown.Text, main.Text)
			}
		})
	}
	var labels []string
	for _, it := range f.ui.cardMenu(clio, "Firm").Items {
		labels = append(labels, it.Label)
	}
	if got := fmtList(labels); got != "Copy as Authorization header|Reconnect…|Disconnect…" {
		t.Errorf("the card's menu: %s", got)
	}
	labels = nil
	for _, it := range f.ui.cardMenu(broken, "Broken one").Items {
		labels = append(labels, it.Label)
	}
	if got := fmtList(labels); got != "Copy token|Copy as Authorization header|Disconnect…" {
		t.Errorf("the menu of the card that needs reconnecting: %s", got)
	}
	m, _, _ := f.tray.last()
	if got := fmtList(menuLabels(m)[:4]); got != "Fresh one · Demo provider — Fresh|Failing one · Demo provider — Can't renew|"+
		"Broken one · Demo provider — Reconnect needed|Firm · Clio · Europe — Fresh" {
		t.Errorf("the tray menu's entries do not read like the cards: %s", got)
	}
}

// mainButton is the card's one visible button with words (the other is
// ⋮).
func mainButton(c *accountCard) *keyButton {
	var shown *keyButton
	for _, o := range c.buttons.Objects {
		if b, ok := o.(*keyButton); ok && b.Visible() && b.Text != "" {
			if shown != nil {
				return nil
			}
			shown = b
		}
	}
	return shown
}

func fmtList(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += "|"
		}
		out += v
	}
	return out
}

// TestCopyConfirmation: Copy token says "Copied · clears in 30 s" on the
// card copied, and no other, counting down; the header, copied from the
// card's menu, says so; with clearing off the card says "Copied".
func TestCopyConfirmation(t *testing.T) {
	f := newFixture(t, Options{ClearAfter: 30 * time.Second})
	work := f.connect("Work")
	f.connect("Home")
	f.eventually("two cards", func() bool { return len(f.ui.statuses) == 2 })
	cards := f.cards()
	f.ui.doAndWait(func() { test.Tap(cards["Work"].copy) })
	countdown := regexp.MustCompile(`^Copied · clears in ([0-9]+) s$`)
	var first int
	f.eventually("the confirmation on the card", func() bool {
		m := countdown.FindStringSubmatch(f.cardsNow()["Work"].copied.Text)
		if m == nil {
			return false
		}
		first, _ = strconv.Atoi(m[1])
		return true
	})
	if first < 28 || first > 30 {
		t.Errorf("the confirmation counts from %d s, want 30", first)
	}
	if got := f.cards()["Home"].copied.Text; got != "" {
		t.Errorf("the card not copied says %q", got)
	}
	f.eventually("the countdown to go on", func() bool {
		m := countdown.FindStringSubmatch(f.cardsNow()["Work"].copied.Text)
		n := 0
		if m != nil {
			n, _ = strconv.Atoi(m[1])
		}
		return m != nil && n < first
	})
	// The header, from the card's menu; the confirmation moves with it.
	f.ui.doAndWait(f.ui.cardMenu(work, "Work").Items[0].Action)
	f.eventually("the header's confirmation", func() bool {
		return regexp.MustCompile(`^Header copied · clears in [0-9]+ s$`).MatchString(f.cardsNow()["Work"].copied.Text)
	})
	// Ctrl+C copies the selected account.
	f.ui.doAndWait(func() { f.fyneApp.Clipboard().SetContent("") })
	home := -1
	f.ui.doAndWait(func() {
		for i, s := range f.ui.statuses {
			if s.Name == "Home" {
				home = i
			}
		}
		f.ui.list.Select(home)
		f.ui.win.Canvas().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutCopy{})
	})
	f.eventually("Ctrl+C's copy of the selected account", func() bool {
		return countdown.MatchString(f.cardsNow()["Home"].copied.Text) && f.cardsNow()["Work"].copied.Text == ""
	})
	if f.fyneApp.Clipboard().Content() == "" {
		t.Error("Ctrl+C put nothing on the clipboard")
	}
	// The account before it in the list goes: the selection moves with
	// Home, to its new place.
	if _, err := f.app.Disconnect(context.Background(), work, true); err != nil {
		t.Fatal(err)
	}
	f.ui.reload()
	f.eventually("Work gone", func() bool { return len(f.ui.statuses) == 1 })
	f.ui.doAndWait(func() {
		if f.ui.selected == "" || f.ui.statusOf(f.ui.selected).Name != "Home" {
			t.Errorf("after the list changed, the selection is %q, want Home's", f.ui.statusOf(f.ui.selected).Name)
		}
		f.ui.win.Canvas().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutCopy{})
	})
	f.eventually("Ctrl+C's copy of Home, at its new place", func() bool {
		return countdown.MatchString(f.cardsNow()["Home"].copied.Text)
	})
	// Home disconnected: nothing is selected, and Ctrl+C says to choose.
	var homeID string
	f.ui.doAndWait(func() { homeID = f.ui.selected })
	if _, err := f.app.Disconnect(context.Background(), homeID, true); err != nil {
		t.Fatal(err)
	}
	f.ui.reload()
	f.eventually("Home gone", func() bool { return len(f.ui.statuses) == 0 })
	f.ui.doAndWait(func() {
		if f.ui.selected != "" {
			t.Errorf("the disconnected account is still selected")
		}
		f.ui.win.Canvas().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutCopy{})
		if !strings.HasPrefix(f.ui.status.Text, "Choose an account first") {
			t.Errorf("Ctrl+C with nothing selected says %q", f.ui.status.Text)
		}
	})
}

// TestCopyConfirmationWithoutClearing: clearing off, the card says Copied,
// for a few seconds.
func TestCopyConfirmationWithoutClearing(t *testing.T) {
	f := newFixture(t, Options{ClearAfter: -1})
	f.connect("Work")
	f.eventually("the card", func() bool { return len(f.ui.statuses) == 1 })
	work := f.cards()["Work"]
	f.ui.doAndWait(func() { test.Tap(work.copy) })
	f.eventually("Copied on the card", func() bool { return f.cardsNow()["Work"].copied.Text == "Copied" })
}

// TestEmptyStateChoices: with no account the window invites to connect
// one, with a big button per provider that opens its way in.
func TestEmptyStateChoices(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.ui.win.Canvas()
	for _, b := range []struct{ button, opens string }{
		{"Clio", "Clio region"},
		{"ClientCasa", "Which account do you want to connect?"},
		{"Other…", "Which account do you want to connect?"},
	} {
		var btn *widget.Button
		f.ui.doAndWait(func() { btn = findButton(t, c, b.button) })
		if btn == nil || btn.Importance != widget.HighImportance {
			t.Fatalf("no big %q button in the empty window: %v", b.button, btn)
		}
		f.ui.doAndWait(func() { test.Tap(btn) })
		f.eventually(b.button+"'s dialog", func() bool {
			_, ok := findOK(t, c.Overlays().Top(), func(l *widget.Label) bool { return l.Text == b.opens })
			return ok
		})
		if b.button == "Clio" || b.button == "ClientCasa" {
			sel := findDialog(t, c, func(s *widget.Select) bool { return s.PlaceHolder == "Choose a provider" })
			if sel == nil || sel.Selected != b.button {
				t.Errorf("%s: the dialog's provider is %v", b.button, sel)
			}
		}
		f.ui.doAndWait(func() { f.ui.connectUI.d.Hide() })
	}
	var imp *widget.Button
	f.ui.doAndWait(func() { imp = findButton(t, c, "Anthropic (import Claude sign-in)") })
	if imp == nil {
		t.Fatal("no Anthropic button in the empty window")
	}
}

// TestWindowKeepsItsSize: the size the window was closed at is the size it
// opens at next time.
func TestWindowKeepsItsSize(t *testing.T) {
	f := newFixture(t, Options{})
	want := fyne.NewSize(700, 610)
	f.ui.doAndWait(func() { f.ui.win.Resize(want) })
	f.ui.doAndWait(f.ui.closeWindow) // what closing the window does (Fyne's test window has no intercept)
	f.eventually("the size saved", func() bool {
		s, err := f.app.Settings()
		return err == nil && s.Window != nil
	})
	again := New(f.fyneApp, f.app, nil, Options{})
	t.Cleanup(again.Close)
	var got fyne.Size
	f.ui.doAndWait(func() { got = again.win.Canvas().Size() })
	if got != want {
		t.Errorf("the window opens at %v, want %v (as it was closed)", got, want)
	}
	// Saving the preferences keeps it.
	s, _ := f.app.Settings()
	s.NotificationsOff = true
	s.Window = nil
	if err := f.app.SaveSettings(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	if s, _ := f.app.Settings(); s.Window == nil || s.Window.Width != want.Width {
		t.Errorf("saving the preferences lost the window's size: %+v", s.Window)
	}
	// A place, then a size without one (the app stopping, its window gone):
	// the place stays.
	ctx := context.Background()
	if err := f.app.SaveWindow(ctx, accounts.WindowSize{Width: 700, Height: 610, Placed: true, X: 210, Y: 140}); err != nil {
		t.Fatal(err)
	}
	if err := f.app.SaveWindow(ctx, accounts.WindowSize{Width: 720, Height: 610}); err != nil {
		t.Fatal(err)
	}
	if s, _ := f.app.Settings(); s.Window == nil || !s.Window.Placed || s.Window.X != 210 || s.Window.Y != 140 || s.Window.Width != 720 {
		t.Errorf("a size saved without a place lost the place: %+v", s.Window)
	}
}

// TestDefaultWindowFits: the window's first size holds its content, empty
// or with accounts: nothing is cut off, and the window does not open
// taller than it says.
func TestDefaultWindowFits(t *testing.T) {
	f := newFixture(t, Options{NoTrayHost: true})
	check := func(what string) {
		t.Helper()
		f.ui.doAndWait(func() {
			if min := f.ui.win.Content().MinSize(); min.Width > defaultWindow.Width || min.Height > defaultWindow.Height {
				t.Errorf("%s: the window's content needs %v, more than its first size %v", what, min, defaultWindow)
			}
		})
	}
	check("empty")
	f.connect("Work")
	f.eventually("the card", func() bool { return len(f.ui.statuses) == 1 })
	check("one account")
}

// statusOf is the status shown for an account, or none.
func (u *UI) statusOf(id string) keeper.Status {
	for _, s := range u.statuses {
		if s.ID == id {
			return s
		}
	}
	return keeper.Status{}
}

// TestCardReconnectIsTheMainButton: the card of an account that needs
// reconnecting has Reconnect… as its main (blue) button, which runs the
// sign-in again (the stand-in browser approves): the account is fresh
// again, and its card's main button is Copy token again.
func TestCardReconnectIsTheMainButton(t *testing.T) {
	f := newFixture(t, Options{})
	broken := f.connect("Broken one")
	f.setState(broken, func(a *store.Account) {
		a.Status, a.LastError = keeper.StatusReconnect, "The provider ended this sign-in."
	})
	f.ui.reload()
	f.eventually("the card saying Reconnect needed", func() bool {
		c := f.cardsNow()["Broken one"]
		return c != nil && c.state.Text == "Reconnect needed"
	})
	card := f.cards()["Broken one"]
	f.ui.doAndWait(func() {
		if b := mainButton(card); b != card.reconnect || b.Text != "Reconnect…" || b.Importance != widget.HighImportance {
			t.Fatalf("the main button of a card that needs reconnecting: %+v", b)
		}
		test.Tap(card.reconnect)
	})
	f.eventually("the account reconnected", func() bool {
		return f.ui.statusOf(broken).Status == keeper.StatusOK
	})
	f.eventually("Copy token the main button again", func() bool {
		c := f.cardsNow()["Broken one"]
		return c != nil && mainButton(c) == c.copy && c.state.Text != "Reconnect needed"
	})
}

// relayout lays o out again, all the way down, as Fyne's driver does
// when a minimum size changes (its test canvas does not).
func relayout(t *testing.T, o fyne.CanvasObject) {
	switch v := o.(type) {
	case *fyne.Container:
		if v.Layout != nil {
			v.Layout.Layout(v.Objects, v.Size())
		}
		for _, k := range v.Objects {
			relayout(t, k)
		}
	case fyne.Widget:
		r := test.TempWidgetRenderer(t, v)
		r.Layout(v.Size())
		for _, k := range r.Objects() {
			relayout(t, k)
		}
	}
}

// posIn is where o is drawn inside root (root at 0,0), walking containers
// and widgets' renderers as Fyne's driver does.
func posIn(t *testing.T, root, o fyne.CanvasObject) (fyne.Position, bool) {
	var walk func(at fyne.Position, k fyne.CanvasObject) (fyne.Position, bool)
	walk = func(at fyne.Position, k fyne.CanvasObject) (fyne.Position, bool) {
		if k == o {
			return at, true
		}
		if !k.Visible() {
			return fyne.Position{}, false
		}
		var kids []fyne.CanvasObject
		switch v := k.(type) {
		case *fyne.Container:
			kids = v.Objects
		case fyne.Widget:
			kids = test.TempWidgetRenderer(t, v).Objects()
		}
		for _, kid := range kids {
			if p, ok := walk(at.Add(kid.Position()), kid); ok {
				return p, true
			}
		}
		return fyne.Position{}, false
	}
	return walk(fyne.Position{}, root)
}

// TestCardButtonsStayDuringCountdown: while the card says "Copied · clears
// in N s" or "Header copied · clears in N s" (wider than the buttons),
// counting down (its digits going from two to one), Copy token and ⋮ stay
// where they were: nothing the user may click next moves.
func TestCardButtonsStayDuringCountdown(t *testing.T) {
	f := newFixture(t, Options{ClearAfter: 10 * time.Second})
	f.fyneApp.Settings().SetTheme(newAppTheme(theme.DefaultTheme())) // the app's, as Run sets it
	work := f.connect("Work")
	f.eventually("the card", func() bool { return len(f.ui.statuses) == 1 })
	card := f.cards()["Work"]
	where := func(what string) (copyAt, moreAt fyne.Position) {
		t.Helper()
		relayout(t, card)
		var ok1, ok2 bool
		copyAt, ok1 = posIn(t, card, card.copy)
		moreAt, ok2 = posIn(t, card, card.more)
		if !ok1 || !ok2 {
			t.Fatalf("%s: Copy token or ⋮ not drawn on the card", what)
		}
		return copyAt, moreAt
	}
	var copyAt, moreAt, copyRel, moreRel fyne.Position
	f.ui.doAndWait(func() {
		copyAt, moreAt = where("before copying")
		copyRel, moreRel = card.copy.Position(), card.more.Position()
	})
	moments := 0
	follow := func(copy func(), words string) {
		t.Helper()
		f.ui.doAndWait(copy)
		countdown := regexp.MustCompile(`^` + words + ` · clears in ([0-9]+) s$`)
		seen := map[int]bool{}
		f.eventually(words+": the countdown down to one digit", func() bool {
			if f.cardsNow()["Work"] != card {
				t.Fatal("the list gave the account another card")
			}
			m := countdown.FindStringSubmatch(card.copied.Text)
			if m == nil {
				return false
			}
			n, _ := strconv.Atoi(m[1])
			if !seen[n] {
				seen[n], moments = true, moments+1
				what := fmt.Sprintf("%q (%v wide; the buttons %v)", card.copied.Text, card.copied.MinSize().Width, card.buttons.MinSize().Width)
				c, mo := where(what)
				if c != copyAt || mo != moreAt || card.copy.Position() != copyRel || card.more.Position() != moreRel {
					t.Errorf("%s: Copy token at %v (was %v), ⋮ at %v (was %v)", what, c, copyAt, mo, moreAt)
				}
			}
			return n < 10
		})
	}
	follow(func() { test.Tap(card.copy) }, "Copied")
	follow(f.ui.cardMenu(work, "Work").Items[0].Action, "Header copied")
	t.Logf("the buttons' places checked at %d moments of the countdowns; Copy token at %v, ⋮ at %v", moments, copyAt, moreAt)
}

// TestCardMenuUnderItsButton: the card's ⋮ menu opens under the button,
// tapped or pressed with the keyboard, even when the driver's lookup of
// the button's window fails (here: Fyne's test driver answers with the
// window made last; the real one forgets objects it was not asked about
// for a minute), which put the menu in the window's top-left corner.
func TestCardMenuUnderItsButton(t *testing.T) {
	f := newFixture(t, Options{})
	f.connect("Work")
	f.connect("Home")
	f.eventually("two cards", func() bool { return len(f.ui.statuses) == 2 })
	c := f.ui.win.Canvas()
	check := func(what string, open func(card *accountCard, at fyne.Position)) {
		t.Helper()
		for _, name := range []string{"Work", "Home"} {
			card := f.cards()[name]
			f.ui.doAndWait(func() {
				at, ok := posIn(t, c.Content(), card.more)
				if !ok {
					t.Fatalf("%s's ⋮ not drawn", name)
				}
				// In the canvas's interactive area, as pop-ups and taps are
				// (Fyne's test canvas leaves a margin; a desktop window none).
				inset, area := c.InteractiveArea()
				at = at.Add(c.Content().Position()).Subtract(inset)
				open(card, at)
				var m *widget.PopUpMenu
				if top := c.Overlays().Top(); top != nil {
					m, ok = findOK(t, top, func(*widget.PopUpMenu) bool { return true })
				}
				if m == nil {
					t.Fatalf("%s, %s: no menu open (%T)", what, name, c.Overlays().Top())
				}
				defer m.Hide()
				want := at.AddXY(0, card.more.Size().Height)
				if right := area.Width - m.Size().Width; want.X > right { // kept inside the window
					want.X = right
				}
				if got := m.Position(); got != want {
					t.Errorf("%s, %s's menu at %v, want %v, under its ⋮ at %v", what, name, got, want, at)
				}
			})
		}
	}
	check("tapped", func(card *accountCard, at fyne.Position) {
		test.Tap(card.more)
	})
	check("Space on the focused button", func(card *accountCard, at fyne.Position) {
		c.Focus(card.more)
		card.more.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	})
	// Another window made after the accounts window: the driver's lookup
	// finds the wrong window. The tap (as the real driver makes it, from
	// where the pointer is) still says where the button is.
	other := f.fyneApp.NewWindow("Other")
	t.Cleanup(other.Close)
	check("tapped, the lookup failing", func(card *accountCard, at fyne.Position) {
		in := fyne.NewPos(5, 5)
		card.more.Tapped(&fyne.PointEvent{Position: in, AbsolutePosition: at.Add(in)})
	})
}
