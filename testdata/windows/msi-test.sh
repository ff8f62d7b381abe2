#!/usr/bin/env bash
# msi-test.sh MSI EXPECTED_VERSION [OLDER.msi] — installs Tokentray's MSI
# (made by msi.sh) silently under Wine in $WINEPREFIX and checks what it did:
# the program, the Start-menu shortcut, the Add/Remove Programs entry and its
# icon, the connection-profile association, the installed exe's --version,
# the console twin tokentray.com (its --version, and an exit code passed
# through it), the install folder on the PATH (the user's; the system's with
# ALLUSERS=1), AUTOSTART=1 (the Run value the app's "Start at login" checkbox
# also writes); then that uninstalling removes all of that, leaves the PATH
# as it was, and keeps the user's data (%AppData%\Tokentray). With OLDER.msi
# (an earlier version), it first installs that with AUTOSTART=1, upgrades it
# to MSI, and checks that the upgrade left one entry and kept the Run value,
# and that installing the older one again is refused. Last, the same for a
# machine-wide install (ALLUSERS=1). One line per check; stops at the first
# failure, naming it.
#
# Managed settings (the policy properties, CLIO_REGION=… and so on, and
# POLICY_FILE, a path written as PolicyFile): each install is given some,
# after two "Group Policy" values (Notifications, a DWORD, and
# AllowedProviders, a string, set with reg add) were put under the scope's
# SOFTWARE\Policies\Tokentray; the key must then hold exactly those values,
# with their types, and these two.
# A repair (REINSTALL=ALL REINSTALLMODE=amus: Wine 8's msiexec cannot /f a
# package file) and the upgrade from OLDER.msi (installed with them) run
# without the properties and must keep them; the uninstall must leave only
# the Group Policy values. Bad values must be refused. Also the toasts'
# AppUserModelId registration (DisplayName, IconUri an installed file), and,
# read from the MSI with msiinfo (Wine applies neither), the shortcut's
# System.AppUserModel.ID (MsiShortcutProperty) and MsiHiddenProperties
# listing the secrets. Wine 8 ignores MsiHiddenProperties and the /l mode
# letters: its logs (kept only when a check fails) show the made-up test
# secrets.
#
# WINEPREFIX must be a prefix made by prefix.sh in which Tokentray is not
# installed; use a copy (cp -a) of a shared one. Wine's menu builder is
# turned off so the install adds nothing to this machine's own menus.
set -euo pipefail
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: msi-test.sh MSI EXPECTED_VERSION [OLDER.msi]" >&2
  exit 2
fi
msi=$1 want_version=$2 older=${3:-}
: "${WINEPREFIX:?WINEPREFIX must name a Wine prefix made by testdata/windows/prefix.sh}"
export WINEARCH=win64 WINEDEBUG=${WINEDEBUG:--all} WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
command -v wine >/dev/null || { echo "msi-test.sh: wine not found (apt-get install wine wine64)" >&2; exit 1; }
[ -d "$WINEPREFIX/drive_c" ] || { echo "msi-test.sh: $WINEPREFIX is not a Wine prefix" >&2; exit 1; }
for f in "$msi" ${older:+"$older"}; do [ -f "$f" ] || { echo "msi-test.sh: no such file: $f" >&2; exit 1; }; done

tmp=$(mktemp -d) keep_tmp=no
made_data_file=no made_data_dir=no data_file="" data_dir=""
cleanup() { # removes the data file if this script made it, and the logs unless a check failed
  [ "$made_data_file" = no ] || rm -f "$data_file"
  [ "$made_data_dir" = no ] || rmdir "$data_dir" 2>/dev/null || true
  [ "$keep_tmp" = yes ] || rm -rf "$tmp"
}
trap cleanup EXIT
ok() { echo "msi: ok — $*"; }
fail() {
  echo "msi: FAILED — $*" >&2
  echo "msi: msiexec logs and registry snapshots kept in $tmp" >&2
  keep_tmp=yes
  exit 1
}
winpath() { winepath -w "$1" 2>/dev/null | tr -d '\r'; }
command -v msiinfo >/dev/null || { echo "msi-test.sh: msiinfo not found (apt-get install msitools)" >&2; exit 1; }

# msiexec NAME ARGS... — runs msiexec silently with a verbose log; returns its
# exit code (msiexec /qn returns when the installation is over).
msiexec() {
  local name=$1; shift
  local rc=0
  wine msiexec "$@" /qn /l*v "$(winpath "$tmp/$name.log")" </dev/null >/dev/null 2>&1 || rc=$?
  return "$rc"
}
must_msiexec() { # CHECK NAME ARGS...
  local check=$1 name=$2; shift 2
  local rc=0
  msiexec "$name" "$@" || rc=$?
  [ "$rc" = 0 ] || fail "$check: msiexec $* exited $rc (log: $tmp/$name.log)"
}

# Windows folders of the prefix's user, and their Unix paths.
IFS=';' read -r local_appdata appdata program_files program_data < <(
  wine cmd /c 'echo %LOCALAPPDATA%;%APPDATA%;%ProgramW6432%;%ProgramData%' </dev/null 2>/dev/null | tr -d '\r') || true
[ -n "$program_data" ] || fail "reading the user's folders from Wine (cmd /c echo %LOCALAPPDATA% …)"
unix() { winepath -u "$1" 2>/dev/null | tr -d '\r'; }

# snap NAME — one `reg query /s` of every key the checks read, flattened to
# KEY<TAB>NAME<TAB>TYPE<TAB>DATA lines (a key's own line has NAME empty).
keys=()
for root in HKCU HKLM; do
  keys+=("$root\\Software\\Classes\\Tokentray.Profile"
    "$root\\Software\\Classes\\.json\\OpenWithProgids"
    "$root\\Software\\Classes\\SystemFileAssociations\\.json\\shell\\Tokentray.Open"
    "$root\\Software\\Microsoft\\Windows\\CurrentVersion\\Run"
    "$root\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall"
    "$root\\Software\\Tokentray"
    "$root\\SOFTWARE\\Policies\\Tokentray"
    "$root\\Software\\Classes\\AppUserModelId")
done
user_env='HKCU\Environment' machine_env='HKLM\System\CurrentControlSet\Control\Session Manager\Environment'
keys+=('HKCU\Software\Microsoft\Installer\Products' 'HKLM\Software\Classes\Installer\Products' "$user_env" "$machine_env")
# The queries go in a batch file: a key with a space (Session Manager) cannot
# be quoted on `wine cmd /c`'s command line (wine escapes the quotes as \"
# there, which cmd does not undo).
{ printf '@echo off\r\n'; for k in "${keys[@]}"; do printf 'reg query "%s" /s\r\n' "$k"; done; } >"$tmp/snap.bat"
snap() {
  # cmd exits non-zero when the last key is missing: that is no failure here.
  { wine cmd /c "$(winpath "$tmp/snap.bat")" </dev/null 2>/dev/null || true; } | tr -d '\r' | awk '
    /^HKEY_/ { key = $0; print key "\t\t\t"; next }
    /^    / { n = split(substr($0, 5), f, /    /); data = f[3]; for (i = 4; i <= n; i++) data = data "    " f[i]
              print key "\t" f[1] "\t" f[2] "\t" data }' >"$tmp/$1.reg"
  reg=$tmp/$1.reg
}
hk() { case $1 in HKCU*) echo "HKEY_CURRENT_USER${1#HKCU}" ;; HKLM*) echo "HKEY_LOCAL_MACHINE${1#HKLM}" ;; *) echo "$1" ;; esac; }
# regval KEY NAME — prints the value's data; fails when there is no such value.
regval() {
  awk -F'\t' -v k="$(hk "$1")" -v n="$2" 'tolower($1) == tolower(k) && $2 == n { print $4; found = 1; exit } END { exit !found }' "$reg"
}
haskey() { awk -F'\t' -v k="$(hk "$1")" 'tolower($1) == tolower(k) { found = 1; exit } END { exit !found }' "$reg"; }
# entries — the Uninstall keys (HKCU and HKLM) whose DisplayName is Tokentray.
entries() { awk -F'\t' '$1 ~ /\\Uninstall\\/ && $2 == "DisplayName" && $4 == "Tokentray" { print $1 }' "$reg"; }
# pathval ENV_KEY — the PATH value under ENV_KEY, or "(no PATH value)";
# without a trailing ";": Wine 8's RemoveEnvironmentStrings takes the last
# entry out but leaves the ";" before it (Windows removes both).
pathval() { regval "$1" PATH | sed 's/;$//' | grep '' || echo "(no PATH value)"; }
# on_path ENV_KEY DIR — whether DIR (with or without a trailing \) is one of
# the ;-separated entries of the PATH value under ENV_KEY.
on_path() {
  pathval "$1" | dir=$2 awk 'BEGIN { RS = ";"; d = tolower(ENVIRON["dir"]); sub(/\\$/, "", d) }
    { sub(/\n$/, ""); e = tolower($0); sub(/\\$/, "", e) } e == d { found = 1 } END { exit !found }'
}
# product_icon — the ProductIcon Windows Installer registered for Tokentray.
product_icon() {
  awk -F'\t' '$1 ~ /\\Installer\\Products\\/ && $2 == "ProductName" && $4 == "Tokentray" { p[$1] = 1 }
    $2 == "ProductIcon" { icon[$1] = $4 } END { for (k in p) if (k in icon) print icon[k] }' "$reg"
}

# --- Managed settings ----------------------------------------------------------
# The MSI's policy properties and the values they write (tokentray.wxs):
# PROPERTY VALUE-NAME TYPE.
policy_map='CLIO_REGION ClioRegion REG_SZ
CLIO_CLIENT_ID ClioClientID REG_SZ
CLIO_CLIENT_SECRET ClioClientSecret REG_SZ
CLIENTCASA_CLIENT_ID ClientCasaClientID REG_SZ
CLIENTCASA_CLIENT_SECRET ClientCasaClientSecret REG_SZ
CLIENTCASA_REDIRECT ClientCasaRedirect REG_SZ
MANAGED_BY ManagedBy REG_SZ
ALLOWED_PROVIDERS AllowedProviders REG_SZ
ALLOW_CUSTOM_PROVIDERS AllowCustomProviders REG_DWORD
GATEWAY_ALLOWED GatewayAllowed REG_DWORD
CLEAR_CLIPBOARD_SECONDS ClearClipboardSeconds REG_DWORD
START_AT_LOGIN StartAtLogin REG_DWORD
NOTIFICATIONS Notifications REG_DWORD
POLICY_FILE PolicyFile REG_SZ'
policy_key='SOFTWARE\Policies\Tokentray'
record_key='Software\Tokentray\Installer\Policy' # the MSI's record of what it wrote
aumid=io.github.tokentray
# Made-up secrets, unique to this run: a search finds only what it wrote.
clio_secret="msi-test-clio-secret-$$-$RANDOM" casa_secret="msi-test-casa-secret-$$-$RANDOM"
# Per-user: every property but the two "Group Policy" sets (below); the
# policy file's path as given (the MSI reads no JSON, so no file is needed).
declare -A user_policy=([CLIO_REGION]=eu [CLIO_CLIENT_ID]=msi-test-clio-id [CLIO_CLIENT_SECRET]=$clio_secret
  [CLIENTCASA_CLIENT_ID]=msi-test-casa-id [CLIENTCASA_CLIENT_SECRET]=$casa_secret
  [CLIENTCASA_REDIRECT]=http://127.0.0.1:53682/callback [MANAGED_BY]="Example LLP IT"
  [ALLOW_CUSTOM_PROVIDERS]=0 [GATEWAY_ALLOWED]=1 [CLEAR_CLIPBOARD_SECONDS]=45 [START_AT_LOGIN]=1
  [POLICY_FILE]='C:\ProgramData\Example LLP\tokentray-policy.json')
# Machine-wide: some of them.
declare -A machine_policy=([CLIO_REGION]=ca [CLIO_CLIENT_ID]=msi-test-clio-id [CLIO_CLIENT_SECRET]=$clio_secret
  [MANAGED_BY]="Example LLP IT" [GATEWAY_ALLOWED]=0 [CLEAR_CLIPBOARD_SECONDS]=120)
# The "Group Policy" values, set before each install, as `reg query` shows
# them: a DWORD and a string (the MSI reads strings back from the policy key
# itself, so it must tell its own from these).
gpo_value=$'AllowedProviders\tREG_SZ\tclio-us\nNotifications\tREG_DWORD\t0x0'
# gpo_set ROOT — sets them under ROOT's policy key, as Group Policy would.
gpo_set() {
  { wine reg add "$1\\$policy_key" /v Notifications /t REG_DWORD /d 0 /f &&
    wine reg add "$1\\$policy_key" /v AllowedProviders /t REG_SZ /d clio-us /f; } </dev/null >/dev/null 2>&1 ||
    fail "reg add $1\\$policy_key /v Notifications|AllowedProviders failed"
}
# policy_args ARRAY — PROPERTY=VALUE lines, for msiexec's command line.
policy_args() { local -n a=$1; local k; for k in "${!a[@]}"; do printf '%s=%s\n' "$k" "${a[$k]}"; done; }
# policy_want ARRAY — the values the policy key must hold for ARRAY's
# properties, and the Group Policy values: NAME<TAB>TYPE<TAB>DATA as `reg
# query` shows them (a DWORD in hex), sorted.
policy_want() {
  local -n a=$1; local prop name type
  { while read -r prop name type; do
      [ -n "${a[$prop]+set}" ] || continue
      if [ "$type" = REG_DWORD ]; then printf '%s\t%s\t0x%x\n' "$name" "$type" "${a[$prop]}"
      else printf '%s\t%s\t%s\n' "$name" "$type" "${a[$prop]}"; fi
    done <<<"$policy_map"
    printf '%s\n' "$gpo_value"; } | sort
}
# policy_got ROOT — what the snapshot has under ROOT's policy key, as
# policy_want prints it, and "(subkey)<TAB>KEY" for each key below it.
policy_got() {
  awk -F'\t' -v k="$(hk "$1\\$policy_key")" '
    tolower($1) == tolower(k) && $2 != "" { print $2 "\t" $3 "\t" $4 }
    tolower(substr($1, 1, length(k) + 1)) == tolower(k "\\") && $2 == "" { print "(subkey)\t" $1 }' "$reg" | sort
}
# check_policy SCOPE ROOT WANT WHAT — ROOT's policy key holds exactly WANT.
check_policy() {
  local got missing extra
  got=$(policy_got "$2")
  [ "$got" = "$3" ] && return
  missing=$(comm -23 <(printf '%s\n' "$3") <(printf '%s\n' "$got") | tr '\t\n' ' ;')
  extra=$(comm -13 <(printf '%s\n' "$3") <(printf '%s\n' "$got") | tr '\t\n' ' ;')
  fail "$1: $4: $2\\$policy_key is not as expected: missing [${missing%;}], unexpected [${extra%;}]"
}
# check_written SCOPE ROOT LOG ARRAY WHAT — the msiexec log LOG shows the
# MSI writing each of ARRAY's policy values under ROOT's policy key, and no
# other: a repair or upgrade run without the properties wrote them again
# from what it remembered. (The values alone cannot tell: Wine 8 leaves a
# component whose condition turned false in place, transitive or not, where
# Windows would remove it; the final uninstall then leaves its values.)
check_written() {
  local -n a=$4; local prop name type want got
  want=$(while read -r prop name type; do if [ -n "${a[$prop]+set}" ]; then echo "$name"; fi; done <<<"$policy_map" | sort)
  got=$(tr -d '\r' <"$tmp/$3.log" | awk -v k="Key: $(hk "$2\\$policy_key"), Name: " '
    index($0, k) == 1 { n = substr($0, length(k) + 1); sub(/, Value: .*/, "", n); print n }' | sort -u)
  [ "$got" = "$want" ] ||
    fail "$1: $5: its log ($tmp/$3.log) shows it writing [$(echo $got)] under $2\\$policy_key, want [$(echo $want)]"
}
# check_secrets SCOPE ROOT — the secret given is stored once, as the policy
# value: the MSI's record of it holds "1", not the secret.
check_secrets() {
  local n
  [ "$(regval "$2\\$record_key" ClioClientSecret)" = 1 ] ||
    fail "$1: secrets: $2\\$record_key\\ClioClientSecret is '$(regval "$2\\$record_key" ClioClientSecret)', want 1"
  n=$(grep -cF -- "$clio_secret" "$reg") || true
  [ "$n" = 1 ] || fail "$1: secrets: the CLIO_CLIENT_SECRET given appears $n times in the keys read, want once (the policy value)"
}

# From the MSI itself (Wine does not apply these): the Start-menu shortcut's
# AppUserModelID, and the secrets kept out of Windows Installer's log.
shortcut=$(msiinfo export "$msi" Shortcut | tr -d '\r' |
  awk -F'\t' 'NR > 3 && $2 == "ProgramMenuFolder" && $5 == "[#TokentrayExe]" { print $1; exit }')
[ -n "$shortcut" ] || fail "MSI: no Start-menu shortcut to [#TokentrayExe] in the Shortcut table"
msiinfo export "$msi" MsiShortcutProperty 2>/dev/null | tr -d '\r' |
  awk -F'\t' -v s="$shortcut" -v id="$aumid" 'NR > 3 && $2 == s && $3 == "{9F4C2855-9F79-4B39-A8D0-E1D42DE1D5F3}, 5" && $4 == id { ok = 1 }
    END { exit !ok }' || fail "MSI: no MsiShortcutProperty row setting $shortcut's System.AppUserModel.ID to $aumid"
ok "MSI: the Start-menu shortcut ($shortcut) gets System.AppUserModel.ID $aumid (MsiShortcutProperty)"
hidden=$(msiinfo export "$msi" Property | tr -d '\r' | awk -F'\t' '$1 == "MsiHiddenProperties" { print $2 }')
for p in CLIO_CLIENT_SECRET CLIENTCASA_CLIENT_SECRET CLIO_CLIENT_SECRET_HKCU CLIO_CLIENT_SECRET_HKLM \
  CLIENTCASA_CLIENT_SECRET_HKCU CLIENTCASA_CLIENT_SECRET_HKLM; do
  [[ ";$hidden;" == *";$p;"* ]] || fail "MSI: $p is not in MsiHiddenProperties ('$hidden')"
done
ok "MSI: MsiHiddenProperties lists the two secrets and what AppSearch reads back for them"

run_key='Software\Microsoft\Windows\CurrentVersion\Run'
snap before
[ -z "$(entries)" ] || fail "precondition: Tokentray is already installed in $WINEPREFIX ($(entries | head -1)); use a fresh copy of the prefix"
user_path_before=$(pathval "$user_env") machine_path_before=$(pathval "$machine_env")
for root in HKCU HKLM; do
  ! regval "$root\\$run_key" Tokentray >/dev/null || fail "precondition: $root\\$run_key has a Tokentray value already"
  [ -z "$(policy_got "$root")" ] || fail "precondition: $root\\$policy_key exists already"
done

# The user's data: a file the uninstaller must leave alone.
data_dir=$(unix "$appdata\\Tokentray")
data_file=$data_dir/accounts.json
[ -d "$data_dir" ] || { mkdir -p "$data_dir"; made_data_dir=yes; }
[ -f "$data_file" ] || { printf '{"msi-test": "keep me"}\n' >"$data_file"; made_data_file=yes; }
data_sum=$(sha256sum <"$data_file")

# check_installed SCOPE INSTALLDIR CLASSES_ROOT ENV_KEY OTHER_ENV_KEY
# MENU_DIRS... — everything an installation must have made: the install
# folder on the PATH under ENV_KEY, and the PATH under OTHER_ENV_KEY as it
# was.
check_installed() {
  local scope=$1 dir=$2 root=$3 env_key=$4 other_env=$5; shift 5
  local exe="$dir\\Tokentray.exe" com="$dir\\tokentray.com" lnk="" m found entry icon out err rc=0
  [ -f "$(unix "$exe")" ] || fail "$scope: program: $exe is missing"
  ok "$scope: installed in $dir"
  [ -f "$(unix "$com")" ] || fail "$scope: console twin: $com is missing"
  ok "$scope: console twin $com installed"
  on_path "$env_key" "$dir" || fail "$scope: PATH: $dir is not in $env_key\\PATH ('$(pathval "$env_key")')"
  local other_before=$user_path_before
  [ "$other_env" = "$machine_env" ] && other_before=$machine_path_before
  [ "$(pathval "$other_env")" = "$other_before" ] ||
    fail "$scope: PATH: $other_env\\PATH changed to '$(pathval "$other_env")' (was '$other_before')"
  ok "$scope: $dir added to $env_key\\PATH ('$(pathval "$env_key")'), $other_env\\PATH untouched"
  for m in "$@"; do [ -f "$(unix "$m\\Tokentray.lnk")" ] && { lnk="$m\\Tokentray.lnk"; break; }; done
  [ -n "$lnk" ] || fail "$scope: shortcut: no Tokentray.lnk in $*"
  grep -aqF "$exe" "$(unix "$lnk")" || fail "$scope: shortcut: $lnk does not point at $exe"
  ok "$scope: Start-menu shortcut $lnk → $exe"
  mapfile -t found < <(entries)
  [ "${#found[@]}" = 1 ] || fail "$scope: Add/Remove Programs: ${#found[@]} Tokentray entries (want 1): ${found[*]}"
  entry=${found[0]}
  [ "$(regval "$entry" DisplayVersion)" = "$want_version" ] ||
    fail "$scope: Add/Remove Programs: DisplayVersion is '$(regval "$entry" DisplayVersion)', want $want_version"
  [ "$(regval "$entry" InstallLocation)" = "$dir\\" ] ||
    fail "$scope: Add/Remove Programs: InstallLocation is '$(regval "$entry" InstallLocation)', want $dir\\"
  regval "$entry" UninstallString | grep -qi 'msiexec.exe /x{' ||
    fail "$scope: Add/Remove Programs: UninstallString is '$(regval "$entry" UninstallString)'"
  icon=$(product_icon)
  { [ -n "$icon" ] && [ -f "$(unix "$icon")" ]; } || fail "$scope: Add/Remove Programs: no product icon file ('$icon')"
  ok "$scope: Add/Remove Programs entry $entry, version $want_version, icon $icon"
  [ "$(regval "$root\\Tokentray.Profile\\shell\\open\\command" '(Default)')" = "\"$exe\" \"%1\"" ] ||
    fail "$scope: association: $root\\Tokentray.Profile\\shell\\open\\command is '$(regval "$root\\Tokentray.Profile\\shell\\open\\command" '(Default)')'"
  regval "$root\\.json\\OpenWithProgids" Tokentray.Profile >/dev/null ||
    fail "$scope: association: no Tokentray.Profile under $root\\.json\\OpenWithProgids"
  local verb="$root\\SystemFileAssociations\\.json\\shell\\Tokentray.Open"
  { [ "$(regval "$verb" AppliesTo)" = 'System.FileName:~=".tokentray.json"' ] &&
    [ "$(regval "$verb\\command" '(Default)')" = "\"$exe\" \"%1\"" ]; } ||
    fail "$scope: association: the \"Open in Tokentray\" verb under $verb is missing or wrong"
  ok "$scope: *.tokentray.json → Tokentray.Profile (\"$exe\" \"%1\"), in .json's Open with and as \"Open in Tokentray\""
  local aumid_key="$root\\AppUserModelId\\$aumid" name icon_uri
  name=$(regval "$aumid_key" DisplayName) || fail "$scope: toasts: no DisplayName under $aumid_key"
  [ "$name" = Tokentray ] || fail "$scope: toasts: $aumid_key\\DisplayName is '$name', want Tokentray"
  icon_uri=$(regval "$aumid_key" IconUri) || fail "$scope: toasts: no IconUri under $aumid_key"
  [ "$icon_uri" = "$dir\\Tokentray.png" ] || fail "$scope: toasts: $aumid_key\\IconUri is '$icon_uri', want $dir\\Tokentray.png"
  [ -f "$(unix "$icon_uri")" ] || fail "$scope: toasts: the IconUri file $icon_uri is missing"
  ok "$scope: toasts: $aumid_key, DisplayName Tokentray, IconUri $icon_uri (installed)"
  out=$(timeout 120 wine "$exe" --version </dev/null 2>/dev/null | tr -d '\r') || rc=$?
  [ "$rc" = 0 ] || fail "$scope: --version: the installed exe exited $rc (output: '$out')"
  [ -n "$out" ] || fail "$scope: --version: the installed exe printed nothing on stdout (GUI-subsystem stdout lost under wine?)"
  [ "$out" = "tokentray $want_version" ] || fail "$scope: --version: printed '$out', want 'tokentray $want_version'"
  ok "$scope: the installed exe says '$out'"
  rc=0; out=$(timeout 120 wine "$com" --version </dev/null 2>/dev/null | tr -d '\r') || rc=$?
  [ "$rc" = 0 ] || fail "$scope: console twin: $com --version exited $rc (output: '$out')"
  [ "$out" = "tokentray $want_version" ] || fail "$scope: console twin: $com --version printed '$out', want 'tokentray $want_version'"
  ok "$scope: the installed tokentray.com --version says '$out' (exit 0)"
  # An empty store of its own (TOKENTRAY_CONFIG_DIR, which also crosses the
  # twin), so the app neither reads the test's data file nor writes beside it.
  mkdir -p "$tmp/config-$scope"
  rc=0; TOKENTRAY_CONFIG_DIR=$(winpath "$tmp/config-$scope") timeout 120 wine "$com" token no-such-account \
    </dev/null >"$tmp/twin-$scope.out" 2>"$tmp/twin-$scope.err" || rc=$?
  err=$(tr -d '\r' <"$tmp/twin-$scope.err" | grep -m1 '^tokentray: .*no-such-account') || true
  [ "$rc" = 1 ] || fail "$scope: console twin: $com token no-such-account exited $rc, want 1 (stderr: '$(tr -d '\r' <"$tmp/twin-$scope.err")')"
  [ -n "$err" ] || fail "$scope: console twin: $com token no-such-account exited 1 but printed no 'tokentray: … no-such-account …' on stderr ('$(tr -d '\r' <"$tmp/twin-$scope.err")')"
  ok "$scope: tokentray.com token no-such-account exits 1 through the twin, stderr '$err'"
}

# check_removed SCOPE INSTALLDIR CLASSES_ROOT RUN_ROOT ENV_KEY MENU_DIRS...
check_removed() {
  local scope=$1 dir=$2 root=$3 run_root=$4 env_key=$5; shift 5
  local m k before=$user_path_before
  [ "$env_key" = "$machine_env" ] && before=$machine_path_before
  [ ! -e "$(unix "$dir\\tokentray.com")" ] || fail "$scope: uninstall: the console twin $dir\\tokentray.com is still there"
  [ ! -e "$(unix "$dir")" ] || fail "$scope: uninstall: $dir is still there: $(find "$(unix "$dir")" -mindepth 1 -printf '%P ')"
  ! on_path "$env_key" "$dir" || fail "$scope: uninstall: $dir is still in $env_key\\PATH ('$(pathval "$env_key")')"
  [ "$(pathval "$env_key")" = "$before" ] ||
    fail "$scope: uninstall: $env_key\\PATH is '$(pathval "$env_key")', want it as before the install ('$before')"
  ok "$scope: uninstalled: tokentray.com gone, $dir off $env_key\\PATH, which is as before ('$before')"
  for m in "$@"; do [ ! -e "$(unix "$m\\Tokentray.lnk")" ] || fail "$scope: uninstall: $m\\Tokentray.lnk is still there"; done
  [ -z "$(entries)" ] || fail "$scope: uninstall: the Add/Remove Programs entry is still there: $(entries)"
  for k in Tokentray.Profile SystemFileAssociations\\.json\\shell\\Tokentray.Open; do
    ! haskey "$root\\$k" || fail "$scope: uninstall: $root\\$k is still there"
  done
  ! regval "$root\\.json\\OpenWithProgids" Tokentray.Profile >/dev/null ||
    fail "$scope: uninstall: $root\\.json\\OpenWithProgids\\Tokentray.Profile is still there"
  ! regval "$run_root\\$run_key" Tokentray >/dev/null || fail "$scope: uninstall: the Run value $run_root\\$run_key\\Tokentray is still there"
  ! haskey "${root%%\\*}\\Software\\Tokentray" || fail "$scope: uninstall: ${root%%\\*}\\Software\\Tokentray is still there"
  ! haskey "$root\\AppUserModelId\\$aumid" || fail "$scope: uninstall: $root\\AppUserModelId\\$aumid is still there"
  ok "$scope: uninstalled: no program folder, shortcut, Add/Remove Programs entry, association, AppUserModelId or Run value left"
  { [ -f "$data_file" ] && [ "$(sha256sum <"$data_file")" = "$data_sum" ]; } ||
    fail "$scope: uninstall: the user's data $appdata\\Tokentray\\accounts.json was removed or changed"
  ok "$scope: the user's data is still there ($appdata\\Tokentray\\accounts.json)"
}

# check_run SCOPE RUN_ROOT EXE WHAT
check_run() {
  local got
  got=$(regval "$2\\$run_key" Tokentray) || fail "$1: $4: no Tokentray value under $2\\$run_key"
  [ "$got" = "\"$3\"" ] || fail "$1: $4: $2\\$run_key\\Tokentray is '$got', want '\"$3\"'"
}

# --- Per-user (the default) -------------------------------------------------
scope=per-user
dir="$local_appdata\\Programs\\Tokentray"
user_menu="$appdata\\Microsoft\\Windows\\Start Menu\\Programs"
msi_w=$(winpath "$msi")

# Bad values are refused by a launch condition (Wine's log has no message,
# but it stops there), and nothing is installed.
for bad in GATEWAY_ALLOWED=yes CLIO_REGION=mars CLEAR_CLIPBOARD_SECONDS=0 'POLICY_FILE=#1'; do
  rc=0; msiexec "bad-${bad%%=*}" /i "$msi_w" "$bad" || rc=$?
  [ "$rc" != 0 ] || fail "$scope: policy: installing with $bad succeeded"
  { grep -aq 'Action ended .*: LaunchConditions\.' "$tmp/bad-${bad%%=*}.log" &&
    ! grep -aq 'Action start .*: CostInitialize\.' "$tmp/bad-${bad%%=*}.log"; } ||
    fail "$scope: policy: installing with $bad failed (msiexec exit $rc), but not at LaunchConditions (log: $tmp/bad-${bad%%=*}.log)"
done
snap refused
[ -z "$(entries)" ] && [ -z "$(policy_got HKCU)" ] || fail "$scope: policy: a refused install left an entry or policy values behind"
ok "$scope: policy: GATEWAY_ALLOWED=yes, CLIO_REGION=mars, CLEAR_CLIPBOARD_SECONDS=0, POLICY_FILE=#1 each stopped at LaunchConditions (msiexec exit $rc), nothing installed"

gpo_set HKCU
mapfile -t user_args < <(policy_args user_policy)
user_want=$(policy_want user_policy)
n_user=${#user_policy[@]}
if [ -n "$older" ]; then
  older_w=$(winpath "$older")
  must_msiexec "$scope: install the older MSI" install-older /i "$older_w" AUTOSTART=1 "${user_args[@]}"
  snap installed-older
  check_policy "$scope" HKCU "$user_want" "the older MSI installed with $n_user policy properties"
  ok "$scope: the older MSI, given $n_user policy properties, wrote exactly those to HKCU\\$policy_key, beside the Group Policy values"
  must_msiexec "$scope: upgrade" upgrade /i "$msi_w"
  snap upgraded
  ok "$scope: upgraded $(basename "$older") to $(basename "$msi")"
  check_run "$scope" HKCU "$dir\\Tokentray.exe" "upgrade keeps start at login"
  ok "$scope: the upgrade kept the Run value"
  check_policy "$scope" HKCU "$user_want" "the upgrade, run without the policy properties"
  check_written "$scope" HKCU upgrade user_policy "the upgrade, run without the policy properties"
  ok "$scope: the upgrade, run without the policy properties, wrote the $n_user values again (its log) and left the Group Policy ones"
else
  must_msiexec "$scope: install" install /i "$msi_w" "${user_args[@]}"
  snap installed
  ! regval "HKCU\\$run_key" Tokentray >/dev/null || fail "$scope: install without AUTOSTART wrote a Run value"
  check_policy "$scope" HKCU "$user_want" "the install with $n_user policy properties"
  ok "$scope: the install, given $n_user policy properties, wrote exactly those to HKCU\\$policy_key, beside the Group Policy values"
fi
check_secrets "$scope" HKCU
ok "$scope: secrets: stored once, as the policy value (the MSI's record holds 1)"
check_installed "$scope" "$dir" 'HKCU\Software\Classes' "$user_env" "$machine_env" "$user_menu"

# A repair, without the properties: what msiexec /famus does. (Wine 8's
# msiexec /f cannot: it hands a package path to MsiReinstallProduct, which
# wants a product code, exit 1605; given a product code it does nothing.)
must_msiexec "$scope: repair" repair /i "$msi_w" REINSTALL=ALL REINSTALLMODE=amus
snap repaired
check_policy "$scope" HKCU "$user_want" "a repair run without the policy properties"
check_written "$scope" HKCU repair user_policy "a repair run without the policy properties"
ok "$scope: a repair (REINSTALL=ALL REINSTALLMODE=amus) run without the policy properties wrote the $n_user values again (its log); the key is unchanged"

must_msiexec "$scope: AUTOSTART=1 reinstall" autostart /i "$msi_w" AUTOSTART=1 REINSTALL=ALL REINSTALLMODE=omus
snap autostart
check_run "$scope" HKCU "$dir\\Tokentray.exe" "AUTOSTART=1"
check_policy "$scope" HKCU "$user_want" "the AUTOSTART=1 reinstall"
ok "$scope: AUTOSTART=1 wrote HKCU\\$run_key\\Tokentray = \"$dir\\Tokentray.exe\" (and kept the policy values)"

if [ -n "$older" ]; then
  rc=0; msiexec downgrade /i "$older_w" || rc=$?
  [ "$rc" != 0 ] || fail "$scope: downgrade: installing $(basename "$older") over $want_version succeeded"
  snap downgrade
  [ "$(regval "$(entries)" DisplayVersion)" = "$want_version" ] || fail "$scope: downgrade: the installed version changed"
  ok "$scope: installing the older MSI again is refused (msiexec exit $rc)"
fi

must_msiexec "$scope: uninstall" uninstall /x "$msi_w"
snap uninstalled
check_removed "$scope" "$dir" 'HKCU\Software\Classes' HKCU "$user_env" "$user_menu"
check_policy "$scope" HKCU "$(sort <<<"$gpo_value")" "uninstall"
ok "$scope: uninstalled: the $n_user policy values gone, the Group Policy values (Notifications, AllowedProviders) still there"
wine reg delete "HKCU\\$policy_key" /f </dev/null >/dev/null 2>&1 || fail "$scope: reg delete HKCU\\$policy_key failed"

# --- Machine-wide (ALLUSERS=1, as IT deploys it) ------------------------------
# Wine 8 needs ALLUSERS=1 again on /x (it does not look up the context the
# product was installed in) and always puts the shortcut in the user's Start
# menu (ProgramMenuFolder ignores ALLUSERS there), so both menus are looked at.
scope=machine
dir="$program_files\\Tokentray"
common_menu="$program_data\\Microsoft\\Windows\\Start Menu\\Programs"
gpo_set HKLM
mapfile -t machine_args < <(policy_args machine_policy)
machine_want=$(policy_want machine_policy)
n_machine=${#machine_policy[@]}
must_msiexec "$scope: install" install-machine /i "$msi_w" ALLUSERS=1 AUTOSTART=1 "${machine_args[@]}"
snap installed-machine
check_policy "$scope" HKLM "$machine_want" "the install with $n_machine policy properties"
[ -z "$(policy_got HKCU)" ] || fail "$scope: the machine-wide install wrote to HKCU\\$policy_key: $(policy_got HKCU | tr '\t\n' ' ;')"
ok "$scope: the install, given $n_machine policy properties, wrote exactly those to HKLM\\$policy_key, beside the Group Policy values, and nothing to HKCU's"
check_secrets "$scope" HKLM
ok "$scope: secrets: stored once, as the policy value (the MSI's record holds 1)"
check_installed "$scope" "$dir" 'HKLM\Software\Classes' "$machine_env" "$user_env" "$common_menu" "$user_menu"
check_run "$scope" HKLM "$dir\\Tokentray.exe" "AUTOSTART=1"
! regval "HKCU\\$run_key" Tokentray >/dev/null || fail "$scope: AUTOSTART=1 wrote a per-user Run value"
ok "$scope: AUTOSTART=1 wrote HKLM\\$run_key\\Tokentray = \"$dir\\Tokentray.exe\""
must_msiexec "$scope: repair" repair-machine /i "$msi_w" ALLUSERS=1 REINSTALL=ALL REINSTALLMODE=amus
snap repaired-machine
check_policy "$scope" HKLM "$machine_want" "a repair run without the policy properties"
check_written "$scope" HKLM repair-machine machine_policy "a repair run without the policy properties"
ok "$scope: a repair (ALLUSERS=1 REINSTALL=ALL REINSTALLMODE=amus) run without the policy properties wrote the $n_machine values again (its log); the key is unchanged"
must_msiexec "$scope: uninstall" uninstall-machine /x "$msi_w" ALLUSERS=1
snap uninstalled-machine
check_removed "$scope" "$dir" 'HKLM\Software\Classes' HKLM "$machine_env" "$common_menu" "$user_menu"
check_policy "$scope" HKLM "$(sort <<<"$gpo_value")" "uninstall"
ok "$scope: uninstalled: the $n_machine policy values gone, the Group Policy values (Notifications, AllowedProviders) still there"

wineserver -w # nothing of the test's is left running in the prefix
echo "msi: all checks passed ($(basename "$msi"), $want_version)"
