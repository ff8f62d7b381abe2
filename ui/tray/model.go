package tray

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"

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

// StatusWord says in a few plain words how an account is doing:
// "OK · expires in 52 min", "Reconnect needed", "Retrying · next try in 2 min".
func StatusWord(s keeper.Status, now time.Time) string {
	switch {
	case s.Status == keeper.StatusReconnect:
		return "Reconnect needed"
	case s.Status == keeper.StatusFailing && !s.NextRetry.IsZero():
		return "Can't refresh · next try in " + humanDuration(s.NextRetry.Sub(now))
	case s.Status == keeper.StatusFailing:
		return "Can't refresh · retrying"
	case s.Expiry.IsZero():
		return "OK"
	case !s.Expiry.After(now):
		return "Expired · refreshes when used"
	}
	return "OK · expires in " + humanDuration(s.Expiry.Sub(now))
}

func humanDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d h", int(d.Hours()))
	case d >= time.Minute:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d > 0:
		return "less than a minute"
	}
	return "now"
}
