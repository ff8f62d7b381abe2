# e2e-lib.sh — sourced by e2e.sh and policy-e2e.sh (set -euo pipefail
# already, exe and root set, DISPLAY checked): what both end-to-end runs
# under Wine share. Defines work (a temporary folder, removed at exit with
# the Wine session and the test server), fail and ok (one line per check,
# prefixed with $e2e_label; a failure keeps the screen in
# bin/windows/$e2e_shot), win (the exe, its stderr in $work/stderr),
# find_window (a visible window by title),
# browser_standin and start_authserver.
export WINEPREFIX=${WINEPREFIX:-$root/bin/windows/wine} WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
work=$(mktemp -d "${TMPDIR:-/tmp}/tokentray-e2e.XXXXXX")
server_pid=
e2e_cleanups=()
cleanup() {
  for c in "${e2e_cleanups[@]}"; do eval "$c" || true; done
  wineserver -k 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "$e2e_label: FAIL — $*" >&2
  # What the screen and the app showed, for the one reading the failure.
  mkdir -p "$root/bin/windows"
  import -window root "$root/bin/windows/$e2e_shot" 2>/dev/null &&
    echo "$e2e_label: the screen at the failure: bin/windows/$e2e_shot" >&2
  [ -f "$work/app.log" ] && grep -v fixme "$work/app.log" | tail -n 20 >&2
  exit 1
}
ok() { echo "$e2e_label: ok — $*"; }
win() { wine "$exe" "$@" 2>"$work/stderr"; }

# find_window TITLE SECONDS: prints the first visible window whose name
# matches TITLE (a regular expression), waiting up to SECONDS; fails (status
# 1) when none appears. Not xdotool search --sync: a window that goes away
# while xdotool walks the tree (Wine makes and drops windows as a program
# starts) ends xdotool with BadWindow, which --sync would take as "none"; a
# search that ends so is simply tried again.
find_window() {
  local deadline=$((SECONDS + $2)) id
  while [ $SECONDS -lt "$deadline" ]; do
    id=$(xdotool search --onlyvisible --name "$1" 2>/dev/null | head -n 1) || id=
    if [ -n "$id" ]; then echo "$id"; return 0; fi
    sleep 0.2 # poll: a window appears with no signal outside the process
  done
  return 1
}

# browser_standin: Wine opens http(s) links with winebrowser, which runs
# the first program named in HKCU\Software\Wine\WineBrowser\Browsers that
# it finds on PATH: this one records the address in $work/visited and
# follows the sign-in's redirects (the test server approves at once) back
# to Tokentray's loopback listener, like a browser after the user clicked
# Approve.
browser_standin() {
  mkdir -p "$work/bin"
  cat >"$work/bin/tokentray-e2e-browser" <<SCRIPT
#!/bin/sh
echo "\$1" >>"$work/visited"
curl -sS -L -o /dev/null --max-time 60 "\$1" >>"$work/browser.log" 2>&1 &
SCRIPT
  chmod +x "$work/bin/tokentray-e2e-browser"
  export PATH="$work/bin:$PATH"
  wine reg add 'HKCU\Software\Wine\WineBrowser' /v Browsers /d tokentray-e2e-browser /f >/dev/null 2>&1
}

# start_authserver ARGS...: the test authorization server, in a process of
# its own (stopped by a signal at exit); sets url.
start_authserver() {
  (cd "$root" && go build -o "$work/authserver" ./testdata/windows/authserver)
  "$work/authserver" -signal "$@" >"$work/server-url" &
  server_pid=$!
  for _ in $(seq 100); do [ -s "$work/server-url" ] && break; sleep 0.1; done # poll: the URL line is the ready signal
  url=$(head -n 1 "$work/server-url")
  [ -n "$url" ] || fail "the test authorization server did not start"
}
