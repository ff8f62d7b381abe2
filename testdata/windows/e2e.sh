#!/usr/bin/env bash
# e2e.sh EXE — Tokentray.exe end to end under Wine, as a Windows user has it:
#   1. the command line (the same exe given arguments) adds a provider,
#      connects an account against the test authorization server on
#      127.0.0.1 through the real browser path (pkg/browser → rundll32
#      url.dll → Wine's winebrowser → a "browser" that approves), prints a
#      fresh token the server accepts, and disconnect revokes it;
#   2. the desktop app starts, its window is found by title and saved as
#      a screenshot (bin/windows/screenshot.png), its icon registers in the
#      system tray; at its start it registered its app ID
#      (HKCU\Software\Classes\AppUserModelId\io.github.tokentray: the name
#      Tokentray and an icon file that exists), which Windows shows its
#      toasts under; when the server goes away and the token (40 s here)
#      cannot be refreshed, the app sends its toast itself through
#      PowerShell (a stub under Wine), under that same app ID, and neither
#      hangs nor crashes; a second launch exits and shows the running app; the
#      window, moved and closed, comes back at that place on the next start,
#      and turns dark when Windows is switched to dark;
#   3. no token of either connection (access and refresh, as the wrapper
#      format shows them) is anywhere in the Wine prefix in plain text: its
#      files, and an export of its registry (Credential Manager lives there).
# Needs DISPLAY (an X server: make test-windows runs it in testdata/session.sh)
# and WINEPREFIX (made by prefix.sh). Prints one line per check.
set -euo pipefail
exe=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
: "${DISPLAY:?e2e.sh needs an X display: run make test-windows}"
e2e_label="windows e2e" e2e_shot=e2e-failure.png
# shellcheck source=e2e-lib.sh
. "$here/e2e-lib.sh"

# A fresh Windows user: no Tokentray data, no tray icons left over, apps
# in light mode (Windows' default; a run before this one left it dark).
wineserver -k 2>/dev/null || true
appdata=$(winepath -u "$(wine cmd /c 'echo %APPDATA%' | tr -d '\r')")
rm -rf "$appdata/Tokentray"
# Nor the app ID registered for its notifications, nor the icon named there.
appid=io.github.tokentray
aumid="HKCU\\Software\\Classes\\AppUserModelId\\$appid"
wine reg delete "$aumid" /f >/dev/null 2>&1 || true
localappdata=$(winepath -u "$(wine cmd /c 'echo %LOCALAPPDATA%' | tr -d '\r')")
rm -f "$localappdata/Tokentray/icon.png"
theme='HKCU\Software\Microsoft\Windows\CurrentVersion\Themes\Personalize'
wine reg add "$theme" /v AppsUseLightTheme /t REG_DWORD /d 1 /f >/dev/null 2>&1 || fail "could not set the light theme"

browser_standin
start_authserver -lifetime 40s

# 1. The command line.
v=$(win --version) || fail "--version: $(cat "$work/stderr")"
[ "$v" = "tokentray ${VERSION:-$v}" ] || fail "--version printed '$v', want 'tokentray $VERSION'"
ok "the exe's command line prints its version ($v)"
printf '%s\n' tokentray-test-secret | win provider add e2e --issuer "$url" --client-id tokentray-test \
  --client-secret-stdin --scopes "openid profile email offline_access" >/dev/null || fail "provider add: $(cat "$work/stderr")"
id=$(timeout 120 wine "$exe" connect e2e --name "Windows E2E" 2>"$work/stderr") || fail "connect: $(cat "$work/stderr")"
grep -q "^$url/oauth2/authorize" "$work/visited" || fail "the sign-in page was not opened through Windows' browser path"
ok "connect opened the sign-in page through rundll32/winebrowser and connected account $id"
tok=$(win token "Windows E2E" --min-valid 10s) || fail "token: $(cat "$work/stderr")"
[ -n "$tok" ] || fail "token printed nothing"
# Every token of the account (the wrapper format shows the refresh token
# too), for the plain-text scan at the end.
win token "Windows E2E" --min-valid 10s --format wrapper --include-refresh-token | sed -n 's/.*"access_token":"\([^"]*\)".*"refresh_token":"\([^"]*\)".*/\1\n\2/p' >>"$work/tokens"
if grep -qF -- "$tok" "$work/stderr"; then fail "the token appeared on stderr"; fi
code=$(curl -s -o "$work/userinfo" -w '%{http_code}' -H "Authorization: Bearer $tok" "$url/oauth2/userinfo")
[ "$code" = 200 ] && grep -q "Windows User" "$work/userinfo" || fail "the server does not accept the printed token (HTTP $code)"
ok "token printed a fresh token that the server accepts"
win list | grep -q "Windows E2E" || fail "list does not show the account"
# The console twin (what cmd.exe and PowerShell run for `tokentray …`)
# hands on the arguments, the output and the exit code.
twin="$(dirname "$exe")/tokentray.com"
t2=$(wine "$twin" token "Windows E2E" --min-valid 10s 2>"$work/stderr") || fail "tokentray.com token: $(cat "$work/stderr")"
[ "$t2" = "$tok" ] || fail "tokentray.com token printed another token than Tokentray.exe"
rc=0; wine "$twin" token "no such account" >/dev/null 2>"$work/stderr" || rc=$?
[ "$rc" = 1 ] && grep -q "no such account" "$work/stderr" || fail "tokentray.com token for a missing account: exit $rc, $(cat "$work/stderr")"
ok "tokentray.com, the console twin, passes arguments, output and exit codes through"
# The local gateway: the exe's `gateway run` serves under Wine, and a
# Linux client (curl) with the gateway key reads the account's API
# (userinfo) through it; without the key it is refused.
win provider set e2e --api-base "$url/oauth2" >/dev/null || fail "provider set --api-base: $(cat "$work/stderr")"
gkey=$(win gateway key) || fail "gateway key: $(cat "$work/stderr")"
[ "${#gkey}" -ge 43 ] || fail "gateway key printed '${#gkey}' characters"
echo "$gkey" >>"$work/tokens" # sealed like a token: never in plain text in the prefix
gport=
for _ in $(seq 50); do # a free port: nothing answers there
  p=$((20000 + RANDOM % 20000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then gport=$p; break; fi
done
[ -n "$gport" ] || fail "no free port for the gateway"
wine "$exe" gateway run --port "$gport" 2>"$work/gateway.log" &
gateway_pid=$!
for _ in $(seq 300); do grep -q "serves at" "$work/gateway.log" 2>/dev/null && break; sleep 0.1; done # poll: its first line is the ready signal
grep -q "serves at http://127.0.0.1:$gport" "$work/gateway.log" || fail "gateway run did not start: $(cat "$work/gateway.log")"
code=$(curl -s -o "$work/gw-userinfo" -w '%{http_code}' -u "powerquery:$gkey" "http://127.0.0.1:$gport/Windows%20E2E/userinfo")
[ "$code" = 200 ] && grep -q "Windows User" "$work/gw-userinfo" || fail "through the gateway with the key: HTTP $code $(cat "$work/gw-userinfo")"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$gport/Windows%20E2E/userinfo")
[ "$code" = 401 ] || fail "through the gateway without the key: HTTP $code, want 401"
kill "$gateway_pid" 2>/dev/null; wait "$gateway_pid" 2>/dev/null || true
if grep -qF -- "$gkey" "$work/gateway.log" || grep -qF -- "$tok" "$work/gateway.log"; then fail "the gateway's log holds a secret"; fi
ok "the gateway serves under Wine: curl from Linux with the key reads the account's API through it (HTTP 200), without the key 401"
win disconnect "Windows E2E" >/dev/null || fail "disconnect: $(cat "$work/stderr")"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" "$url/oauth2/userinfo")
[ "$code" = 401 ] || fail "after disconnect the server still accepts the token (HTTP $code)"
ok "disconnect revoked the grant at the server (HTTP 401 afterwards)"
# An account again, for the desktop app to show and for the scan.
timeout 120 wine "$exe" connect e2e --name "Windows E2E" >/dev/null 2>"$work/stderr" || fail "connect again: $(cat "$work/stderr")"
win token "Windows E2E" --min-valid 10s --format wrapper --include-refresh-token >"$work/wrapper" || fail "token: $(cat "$work/stderr")"
sed -n 's/.*"access_token":"\([^"]*\)".*"refresh_token":"\([^"]*\)".*/\1\n\2/p' "$work/wrapper" >>"$work/tokens"

# 2. The desktop app.
# Wine's PowerShell is a stub that logs its command line (each argument
# shortened to about 300 characters) on the fixme channel: that line shows
# the toast's script, which begins with its mark and the app ID.
WINEDEBUG=-all,fixme+powershell wine "$exe" >"$work/app.log" 2>&1 &
app=$!
wid=$(find_window '^Tokentray$' 120) || fail "no window titled Tokentray appeared"
ok "the desktop app's window is up (X window $wid)"
# Registered at the start, before the window: Windows shows the app's
# toasts under this ID, named Tokentray with its icon.
reg=$(wine reg query "$aumid" 2>/dev/null | tr -d '\r') || fail "the app did not register its app ID ($aumid)"
regval() { sed -n "s/^ *$1 *REG_[A-Z_]* *//p" <<<"$reg"; }
[ "$(regval DisplayName)" = Tokentray ] || fail "the app ID's DisplayName is '$(regval DisplayName)', want Tokentray"
icon=$(regval IconUri)
[ -n "$icon" ] || fail "the app ID has no IconUri: $reg"
icon_unix=$(winepath -u "$icon" 2>/dev/null) && [ -s "$icon_unix" ] || fail "the app ID's IconUri names $icon, which does not exist"
cmp -s "$icon_unix" "$root/assets/icon.png" || fail "the app ID's icon $icon is not the app's icon"
ok "the app registered its ID for Windows notifications: $aumid, DisplayName Tokentray, IconUri $icon (the app's icon)"
# The account list is drawn once the window has loaded it.
for _ in $(seq 100); do
  import -window "$wid" "$work/shot.png" 2>/dev/null && [ "$(convert "$work/shot.png" -format '%k' info:)" -gt 50 ] && break
  sleep 0.2 # poll: a redraw has no signal outside the process
done
mkdir -p "$root/bin/windows"
cp "$work/shot.png" "$root/bin/windows/screenshot.png"
ok "screenshot: bin/windows/screenshot.png ($(convert "$work/shot.png" -format '%wx%h, %k colours' info:))"
# Wine shows tray icons in its own "Wine System Tray" window when the X
# desktop has no tray; the window is shown only while it holds an icon.
tray=$(find_window '^Wine System Tray$' 60) || true
if [ -n "$tray" ]; then
  ok "the tray icon registered: Wine's system tray window is up ($tray)"
else
  fail "no system tray icon registered (no Wine System Tray window)"
fi
# The user moves the window (Wine sees the X window move as a Windows
# one); closing it below saves the place, and the next start puts the
# window back there (GetWindowRect / SetWindowPos on the app's own thread).
timeout 30 xdotool windowmove --sync "$wid" 200 150 || fail "could not move the window to (200,150)"
# The server goes away: the app's next refresh fails with the token about
# to expire, which it announces with a notification.
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=
for _ in $(seq 300); do
  grep -q "powershell.*tokentray-notify" "$work/app.log" && break
  kill -0 "$app" 2>/dev/null || fail "the app ended while a refresh failed: $(tail -n 5 "$work/app.log")"
  sleep 0.5 # poll: the notification is seen only in the app's log
done
grep -q "powershell.*tokentray-notify" "$work/app.log" || fail "no notification was sent within 150 s of the server going away"
kill -0 "$app" 2>/dev/null || fail "the app ended after its notification"
ok "a failed refresh sent a notification through the Windows toast path (PowerShell, a stub in Wine); the app goes on"
# The toast is shown under the app ID registered above, by a PowerShell
# with no profile, no prompt and no execution policy in the way.
toast=$(grep -m 1 "powershell.*tokentray-notify" "$work/app.log")
used=$(sed -n "s/.*\$appId = '\([^']*\)'.*/\1/p" <<<"$toast")
[ "$used" = "$appid" ] || fail "the toast's PowerShell command line names the app ID '$used', want $appid: $toast"
grep -qF 'L"-NoProfile" L"-NonInteractive" L"-ExecutionPolicy" L"Bypass" L"-Command"' <<<"$toast" ||
  fail "the toast's PowerShell runs without -NoProfile -NonInteractive -ExecutionPolicy Bypass: $toast"
ok "the toast's PowerShell command line names the registered app ID ($used), with -NoProfile -NonInteractive -ExecutionPolicy Bypass"
# Closing the window (Alt+F4, as a user would; Windows turns it into
# WM_CLOSE for that window alone) hides it; the app stays in the tray.
# (taskkill would send WM_CLOSE to every window of the process, the tray's
# hidden message window too, which ends the app: not what a user does.)
xdotool windowfocus --sync "$wid" key --clearmodifiers alt+F4
for _ in $(seq 100); do
  xdotool search --onlyvisible --name '^Tokentray$' >/dev/null || break
  sleep 0.1 # poll: the window's state is seen only from outside
done
if xdotool search --onlyvisible --name '^Tokentray$' >/dev/null; then fail "closing the window did not hide it"; fi
kill -0 "$app" 2>/dev/null || fail "closing the window ended the app; it should stay in the tray"
timeout 60 wine "$exe" >"$work/second.log" 2>&1 || fail "the second launch did not exit: $(cat "$work/second.log")"
find_window '^Tokentray$' 30 >/dev/null || fail "a second launch did not show the first one's window"
ok "a second launch exits and shows the running app's window"
kill "$app" 2>/dev/null || true
wineserver -k 2>/dev/null || true
# Started again, the window comes back where the user left it (still in
# light mode, set at the start).
WINEDEBUG=-all wine "$exe" >"$work/app.log" 2>&1 &
app=$!
wid=$(find_window '^Tokentray$' 120) || fail "no window titled Tokentray appeared on the next start"
at=
for _ in $(seq 100); do
  at=$(xdotool getwindowgeometry --shell "$wid" 2>/dev/null | sed -n 's/^[XY]=//p' | paste -sd,) || at=
  [ "$at" = "200,150" ] && break
  sleep 0.1 # poll: the window is placed once the app runs, seen only from outside
done
[ "$at" = "200,150" ] || fail "the window came back at ($at), not where it was left (200,150)"
ok "started again, the window is where the user left it (200,150)"
# The user switches Windows to dark: the open window follows. The window
# counts once it is drawn (many colours: a window not drawn yet is black).
look() { # prints "BRIGHTNESS COLOURS" of the window, or nothing
  import -window "$wid" "$work/theme.png" 2>/dev/null &&
    convert "$work/theme.png" -colorspace Gray -format '%[fx:round(mean*100)] ' info: 2>/dev/null &&
    convert "$work/theme.png" -format '%k\n' info: 2>/dev/null
}
drawn() { # drawn light|dark: waits until the window is drawn so; sets b, k
  for _ in $(seq 100); do
    read -r b k <<<"$(look)" || true
    if [ "${k:-0}" -gt 50 ]; then
      case $1 in
        light) [ "${b:-0}" -gt 50 ] && return 0 ;;
        dark) [ "${b:-100}" -lt 50 ] && return 0 ;;
      esac
    fi
    sleep 0.2 # poll: a redraw has no signal outside the process
  done
  return 1
}
drawn light || fail "with Windows set to light the window is not drawn light (brightness ${b:-?} %, ${k:-?} colours)"
wine reg add "$theme" /v AppsUseLightTheme /t REG_DWORD /d 0 /f >/dev/null 2>&1 || fail "could not set the dark theme"
drawn dark || fail "Windows was set to dark and the window stayed light (brightness ${b:-?} %)"
cp "$work/theme.png" "$root/bin/windows/screenshot-dark.png"
ok "Windows set to dark while the app runs: the window turns dark (brightness $b %; bin/windows/screenshot-dark.png)"
kill "$app" 2>/dev/null || true
wine reg add "$theme" /v AppsUseLightTheme /t REG_DWORD /d 1 /f >/dev/null 2>&1 || true # the prefix as it was
wineserver -k 2>/dev/null || true

# 3. No token in plain text anywhere in the prefix.
n=$(grep -c . "$work/tokens" || true)
[ "$n" -ge 4 ] || fail "only $n tokens collected for the scan, want 4 (two connections' access and refresh tokens)"
wine regedit /E "$work/registry.reg" >/dev/null 2>&1 || fail "registry export failed"
iconv -f UTF-16LE -t UTF-8 "$work/registry.reg" >"$work/registry.txt" 2>/dev/null || cp "$work/registry.reg" "$work/registry.txt"
grep -q "tokentray" "$work/registry.txt" || fail "the registry export lacks Tokentray's Credential Manager entry (export broken?)"
if grep -rlaF -f "$work/tokens" "$WINEPREFIX" "$work/registry.txt" 2>/dev/null | head -n 3 | grep -q .; then
  fail "a token is stored in plain text: $(grep -rlaF -f "$work/tokens" "$WINEPREFIX" "$work/registry.txt" | head -n 3)"
fi
ok "none of $n tokens handed out is in the prefix's files or its registry export"
