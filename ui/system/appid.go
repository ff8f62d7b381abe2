package system

import "errors"

// AppID is Tokentray's application ID: Fyne's (FyneApp.toml's ID, the app
// made with app.NewWithID), the name of the autostart entries, and on
// Windows the AppUserModelID its notifications are shown under, which
// RegisterAppID registers so that Windows names them "Tokentray" with the
// app's icon and lists Tokentray in Settings → Notifications.
const AppID = "io.github.tokentray"

// ErrNotificationsBlocked is a notification that can never be shown on
// this computer as it is set up: Windows' PowerShell, which shows them,
// cannot start (blocked by AppLocker or missing) or runs in a restricted
// language mode (Constrained Language Mode, set by the organization).
// Trying again does not help; Tokentray's window lists every alert.
var ErrNotificationsBlocked = errors.New("notifications cannot be shown on this computer: PowerShell cannot start or is restricted")
