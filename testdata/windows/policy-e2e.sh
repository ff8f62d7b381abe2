#!/usr/bin/env bash
# policy-e2e.sh EXE — Tokentray.exe under Wine on a machine whose IT set
# Tokentray up by Group Policy, as `reg add` writes it:
#   1. HKLM\SOFTWARE\Policies\Tokentray (mandatory): Clio (Europe)'s client
#      ID and secret, who manages Tokentray, Clio and ClientCasa offered;
#      its Recommended subkey: ClientCasa's client ID, a default;
#   2. the command line lists Clio's client as set by the firm (never its
#      secret), refuses `provider set` on it (exit 2, saying who set it),
#      lets the user replace the recommended ClientCasa client, and doctor
#      names the key it read;
#   3. the desktop window: screenshot (bin/windows/screenshot-managed.png);
#      with the keyboard alone, Connect an account… → Clio → Enter opens
#      the browser (rundll32 → winebrowser → a stand-in) at Clio's sign-in
#      with the policy's client ID, asking the user for none, and the
#      account connects;
#   4. a policy file (PolicyFile, the Linux JSON format) named by the key:
#      its custom provider is listed as the firm's, the key's ManagedBy
#      wins over the file's, doctor lists the file;
#   5. the policy removed, nothing of it stays in effect.
# Needs DISPLAY and WINEPREFIX (as e2e.sh). Prints one line per check.
set -euo pipefail
exe=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
: "${DISPLAY:?policy-e2e.sh needs an X display: run make test-windows}"
e2e_label="windows policy e2e" e2e_shot=policy-e2e-failure.png
# shellcheck source=e2e-lib.sh
. "$here/e2e-lib.sh"
key='HKLM\SOFTWARE\Policies\Tokentray'
e2e_cleanups+=("wine reg delete '$key' /f >/dev/null 2>&1")

# A fresh user, no policy left over.
wineserver -k 2>/dev/null || true
appdata=$(winepath -u "$(wine cmd /c 'echo %APPDATA%' | tr -d '\r')")
rm -rf "$appdata/Tokentray"
wine reg delete "$key" /f >/dev/null 2>&1 || true

browser_standin
start_authserver

# Clio (Europe) at the test server, with no client (as installed), then
# IT's policy, as Group Policy writes it.
win provider set clio-eu --base-url "$url" --redirect loopback >/dev/null || fail "provider set --base-url: $(cat "$work/stderr")"
reg() { wine reg add "$@" /f >/dev/null 2>&1 || fail "reg add $*"; }
reg "$key" /v ManagedBy /d "Example LLP IT"
reg "$key" /v ClioRegion /d eu
reg "$key" /v ClioClientID /d tokentray-test
reg "$key" /v ClioClientSecret /d tokentray-test-secret
reg "$key" /v AllowedProviders /d "clio-eu,clientcasa"
reg "$key" /v AllowCustomProviders /t REG_DWORD /d 0
reg "$key\\Recommended" /v ClientCasaClientID /d firm-casa-id
ok "policy written with reg add under $key (and its Recommended subkey)"

# 2. The command line.
list=$(win provider list) || fail "provider list: $(cat "$work/stderr")"
echo "$list" | grep "^clio-eu" | grep -q "Clio (Europe) (set by Example LLP IT).*tokentray-test" ||
  fail "provider list does not show Clio (Europe)'s client as set by Example LLP IT: $list"
if echo "$list" | grep -q "clio-us\|anthropic"; then fail "provider list shows providers the policy does not offer: $list"; fi
if echo "$list$(cat "$work/stderr")" | grep -q "tokentray-test-secret"; then fail "provider list shows the client secret set by policy"; fi
echo "$list" | grep "^clientcasa" | grep -q "firm-casa-id" || fail "the recommended ClientCasa client is not the default: $list"
ok "provider list: Clio (Europe) set by Example LLP IT with its client ID, no secret shown, only the providers offered, ClientCasa's recommended client"
rc=0; wine "$exe" provider set clio-eu --client-id mine >/dev/null 2>"$work/stderr" || rc=$?
[ "$rc" = 2 ] && grep -q "Clio (Europe) is set up by Example LLP IT: its settings cannot be changed here." "$work/stderr" ||
  fail "provider set on Clio (Europe): exit $rc, want 2 and the words: $(cat "$work/stderr")"
ok "provider set on the provider set by policy exits 2: $(tr -d '\r' <"$work/stderr" | head -n 1)"
win provider set clientcasa --client-id my-casa-id >/dev/null || fail "provider set on the recommended ClientCasa: $(cat "$work/stderr")"
win provider list | grep "^clientcasa" | grep -q "my-casa-id" || fail "the user's ClientCasa client did not replace the recommended one"
ok "a recommended value is a default: the user's own ClientCasa client replaces it"
rc=0; wine "$exe" provider add acme --issuer "$url" --client-id x >/dev/null 2>"$work/stderr" || rc=$?
[ "$rc" = 2 ] && grep -q "Adding providers is turned off by Example LLP IT." "$work/stderr" || fail "provider add: exit $rc: $(cat "$work/stderr")"
ok "provider add exits 2: adding providers is turned off by the policy"
win doctor >"$work/doctor" 2>&1 || true
grep -q 'managed settings: HKLM\\SOFTWARE\\Policies\\Tokentray (' "$work/doctor" || fail "doctor does not name the policy key: $(cat "$work/doctor")"
ok "doctor names the policy key it read"

# 3. The window.
WINEDEBUG=-all wine "$exe" >"$work/app.log" 2>&1 &
app=$!
wid=$(find_window '^Tokentray$' 120) || fail "no window titled Tokentray appeared"
for _ in $(seq 100); do
  import -window "$wid" "$work/shot.png" 2>/dev/null && [ "$(convert "$work/shot.png" -format '%k' info:)" -gt 50 ] && break
  sleep 0.2 # poll: a redraw has no signal outside the process
done
mkdir -p "$root/bin/windows"
cp "$work/shot.png" "$root/bin/windows/screenshot-managed.png"
ok "screenshot of the managed window: bin/windows/screenshot-managed.png"
# Keyboard alone: Tab to Connect an account…, Enter; Shift+Tab to the
# provider, Right twice to Clio (Europe: the one region offered), Enter.
xdotool windowfocus --sync "$wid" key --delay 200 Tab Return
before=$(md5sum <"$work/shot.png")
for _ in $(seq 100); do
  import -window "$wid" "$work/dialog.png" 2>/dev/null && [ "$(md5sum <"$work/dialog.png")" != "$before" ] && break
  sleep 0.2 # poll: the dialog is seen only as the window's pixels change
done
xdotool key --delay 200 shift+Tab Right Right Return # the choices sorted: ClientCasa, Clio
for _ in $(seq 300); do
  [ -s "$work/visited" ] && break
  sleep 0.2 # poll: the browser is seen only in what it recorded
done
grep -q "^$url/oauth/authorize?.*client_id=tokentray-test" "$work/visited" ||
  fail "Connect → Clio did not open Clio's sign-in with the policy's client ID: $(cat "$work/visited" 2>/dev/null)"
ok "Connect an account… → Clio opened the browser at Clio's sign-in with the policy's client ID, none asked"
for _ in $(seq 300); do
  win list 2>/dev/null | grep -q "clio-eu" && break
  sleep 0.2 # poll: the account appears in the store
done
win list | grep -q "clio-eu" || fail "no Clio account after the sign-in: $(win list)"
ok "the Clio account connected with the policy's client"
kill "$app" 2>/dev/null || true
wineserver -k 2>/dev/null || true

# 4. A policy file named by the key: the firm's own provider, in JSON.
cat >"$work/policy.json" <<JSON
{"ManagedBy": "Someone else",
 "Providers": {"firm-sso": {"Name": "Firm SSO", "Issuer": "$url", "ClientID": "firm-sso-id"}}}
JSON
policy_file=$(winepath -w "$work/policy.json" | tr -d '\r')
reg "$key" /v PolicyFile /d "$policy_file"
reg "$key" /v AllowedProviders /d "clio-eu,clientcasa,firm-sso"
list=$(win provider list) || fail "provider list with a policy file: $(cat "$work/stderr")"
echo "$list" | grep "^firm-sso" | grep -q "Firm SSO (set by Example LLP IT).*firm-sso-id" ||
  fail "provider list does not show the policy file's provider as set by Example LLP IT (the key's ManagedBy): $list"
if grep -q "Managed settings:" "$work/stderr"; then fail "provider list said a problem with the policy file: $(cat "$work/stderr")"; fi
win doctor >"$work/doctor" 2>&1 || true
grep -qF "managed settings: $policy_file (" "$work/doctor" || fail "doctor does not list the policy file $policy_file: $(cat "$work/doctor")"
ok "PolicyFile $policy_file: its provider listed as set by Example LLP IT (the key's ManagedBy wins over the file's), doctor lists the file"

# 5. The policy gone: Clio (Europe)'s client is no longer there.
wine reg delete "$key" /f >/dev/null 2>&1 || fail "reg delete $key"
win provider list | grep "^clio-eu" | grep -q "set by" && fail "the removed policy still applies"
ok "the policy removed, nothing of it applies"
