#!/usr/bin/env bash
# session.sh CMD ARGS... — runs CMD inside a private test desktop and removes
# it afterwards: HOME and XDG_RUNTIME_DIR in a temporary directory, its own
# D-Bus session bus, an unlocked gnome-keyring Secret Service on that bus
# (never the user's real keyring), and its own Xvfb display.
set -euo pipefail

for tool in dbus-run-session gnome-keyring-daemon Xvfb pkill; do
  command -v "$tool" >/dev/null || { echo "session.sh: $tool is missing (run make test, which installs it)" >&2; exit 1; }
done

# Keep Go's caches where they are: HOME is about to change.
export GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)" GOPATH="$(go env GOPATH)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/tokentray-test.XXXXXX")"
xvfb_pid=
cleanup() {
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null || true
  pkill -f -- "--control-directory=$tmp/run/keyring" || true # none left is fine
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
mkdir -m 700 "$tmp/home" "$tmp/run"
export HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run"
unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME DBUS_SESSION_BUS_ADDRESS TOKENTRAY_CONFIG_DIR

# Xvfb writes its display number to the pipe once it accepts clients.
mkfifo "$tmp/displayfd"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$tmp/displayfd" >"$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
read -r display <"$tmp/displayfd"
export DISPLAY=":$display" TOKENTRAY_TEST_SESSION=1

dbus-run-session -- bash -c '
  set -e
  printf %s tokentray-test | gnome-keyring-daemon --unlock --components=secrets \
    --control-directory="$XDG_RUNTIME_DIR/keyring" >/dev/null
  "$@"
' session "$@" 2> >(grep -v "Failed to set fd limit" >&2)
