package tray

import (
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/store"
)

func TestStatusWordsAndIcon(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	st := func(a store.Account, retry time.Time) keeper.Status {
		return keeper.Status{Account: a, NextRetry: retry}
	}
	ok := st(store.Account{Status: "ok", Expiry: now.Add(57*time.Minute + 10*time.Second)}, time.Time{})
	ok.RenewAt = now.Add(52*time.Minute + 10*time.Second)
	week := st(store.Account{Status: "ok", Expiry: now.Add(7 * 24 * time.Hour)}, time.Time{})
	week.RenewAt = now.Add(7*24*time.Hour - 5*time.Minute)
	unknown := st(store.Account{Status: "ok"}, time.Time{})
	expired := st(store.Account{Status: "ok", Expiry: now.Add(-time.Minute)}, time.Time{})
	failing := st(store.Account{Status: "failing", Expiry: now.Add(time.Minute)}, now.Add(2*time.Minute))
	broken := st(store.Account{Status: "reconnect"}, time.Time{})
	dying := st(store.Account{Status: "ok", Expiry: now.Add(time.Hour), RefreshExpiry: now.Add(48 * time.Hour)}, time.Time{})
	for _, c := range []struct {
		s           keeper.Status
		word, state string
		icon        Overall
	}{
		{ok, "Fresh · renews in 52 min", "Fresh", OverallOK},
		{week, "Fresh · renews in 6 days", "Fresh", OverallOK},
		{unknown, "Fresh", "Fresh", OverallOK},
		{expired, "Expired · renews when used", "Expired", OverallAttention},
		{failing, "Can't renew · trying again in 2 min", "Can't renew", OverallAttention},
		{broken, "Reconnect needed", "Reconnect needed", OverallBroken},
		{dying, "Sign-in ends in 2 days · reconnect soon", "Reconnect soon", OverallAttention},
	} {
		if got := StatusWord(c.s, now); got != c.word {
			t.Errorf("StatusWord = %q, want %q", got, c.word)
		}
		if got := StateWord(c.s, now); got != c.state {
			t.Errorf("StateWord = %q, want %q", got, c.state)
		}
		if got := Worst([]keeper.Status{ok, c.s}, now); got != c.icon {
			t.Errorf("%q: Worst = %v, want %v", c.word, got, c.icon)
		}
	}
	if Worst(nil, now) != OverallNone || TrayIcon(OverallNone) != iconNone || TrayIcon(OverallBroken) != iconBroken {
		t.Error("nothing connected: want the grey icon")
	}
	if Worst([]keeper.Status{ok, failing, broken}, now) != OverallBroken {
		t.Error("the worst state wins")
	}
}
