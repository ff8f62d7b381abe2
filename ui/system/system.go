// Package system is Tokentray's integration with the operating system and
// the desktop session, with no GUI and no OAuth: starting at login
// (Autostart), what the desktop session offers (ProbeSession,
// TrayHostPresent) and is (Wayland), and opening sign-in pages in a browser (Browser);
// its subpackage title reads the browser's window titles (X11, user32). The
// tray and the command line use it; it never imports Fyne.
package system
