package tray

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/tokentray/tokentray/assets"
	"github.com/tokentray/tokentray/auth/keeper"
)

// Overall is the worst state of all accounts, which the tray icon shows.
type Overall int

const (
	OverallNone      Overall = iota // nothing connected
	OverallOK                       // all good
	OverallAttention                // expiring, or a refresh is failing and being retried
	OverallBroken                   // an account needs reconnecting
)

// Icons for the tray, by state.
var (
	Icon          = fyne.NewStaticResource("icon.png", assets.Icon)
	iconOK        = fyne.NewStaticResource("tray-ok.png", assets.TrayOK)
	iconAttention = fyne.NewStaticResource("tray-attention.png", assets.TrayAttention)
	iconBroken    = fyne.NewStaticResource("tray-broken.png", assets.TrayBroken)
	iconNone      = fyne.NewStaticResource("tray-none.png", assets.TrayNone)
)

// TrayIcon is the icon for a state.
func TrayIcon(o Overall) fyne.Resource {
	switch o {
	case OverallOK:
		return iconOK
	case OverallAttention:
		return iconAttention
	case OverallBroken:
		return iconBroken
	}
	return iconNone
}

// accountState is one account's state on the same scale.
func accountState(s keeper.Status, now time.Time) Overall {
	switch {
	case s.Status == keeper.StatusReconnect:
		return OverallBroken
	case s.Status == keeper.StatusFailing:
		return OverallAttention
	case !s.Expiry.IsZero() && !s.Expiry.After(now):
		return OverallAttention
	case !s.RefreshExpiry.IsZero() && s.RefreshExpiry.Sub(now) < keeper.RefreshTokenWarning:
		return OverallAttention
	}
	return OverallOK
}

// Worst is the state the tray icon shows for these accounts.
func Worst(sts []keeper.Status, now time.Time) Overall {
	if len(sts) == 0 {
		return OverallNone
	}
	worst := OverallOK
	for _, s := range sts {
		worst = max(worst, accountState(s, now))
	}
	return worst
}

// StatusWord says in a few plain words how an account is doing, with
// relative time: "Fresh · renews in 52 min", "Can't renew · trying again in
// 2 min", "Reconnect needed". The card and the tray menu both show it.
func StatusWord(s keeper.Status, now time.Time) string {
	switch {
	case s.Status == keeper.StatusReconnect:
		return lang.L("Reconnect needed")
	case s.Status == keeper.StatusFailing && s.NextRetry.After(now):
		return lang.L("Can't renew · trying again in {{.When}}", map[string]any{"When": humanDuration(s.NextRetry.Sub(now))})
	case s.Status == keeper.StatusFailing:
		return lang.L("Can't renew · trying again")
	case !s.Expiry.IsZero() && !s.Expiry.After(now):
		return lang.L("Expired · renews when used")
	case !s.RefreshExpiry.IsZero() && s.RefreshExpiry.Sub(now) < keeper.RefreshTokenWarning:
		return lang.L("Sign-in ends in {{.When}} · reconnect soon", map[string]any{"When": humanDuration(s.RefreshExpiry.Sub(now))})
	case s.RenewAt.After(now):
		return lang.L("Fresh · renews in {{.When}}", map[string]any{"When": humanDuration(s.RenewAt.Sub(now))})
	case !s.RenewAt.IsZero():
		return lang.L("Fresh · renewing now")
	}
	return lang.L("Fresh")
}

// StateWord is the state alone, for the tray menu's entries: "Fresh",
// "Can't renew", "Expired", "Reconnect soon", "Reconnect needed".
func StateWord(s keeper.Status, now time.Time) string {
	switch {
	case s.Status == keeper.StatusReconnect:
		return lang.L("Reconnect needed")
	case s.Status == keeper.StatusFailing:
		return lang.L("Can't renew")
	case !s.Expiry.IsZero() && !s.Expiry.After(now):
		return lang.L("Expired")
	case !s.RefreshExpiry.IsZero() && s.RefreshExpiry.Sub(now) < keeper.RefreshTokenWarning:
		return lang.L("Reconnect soon")
	}
	return lang.L("Fresh")
}

func humanDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return lang.L("{{.N}} days", map[string]any{"N": int(d.Hours() / 24)})
	case d >= 2*time.Hour:
		return lang.L("{{.N}} h", map[string]any{"N": int(d.Hours())})
	case d >= time.Minute:
		return lang.L("{{.N}} min", map[string]any{"N": int(d.Minutes())})
	case d > 0:
		return lang.L("less than a minute")
	}
	return lang.L("now")
}
