#!/usr/bin/env bash
# msi.sh VERSION EXE OUT.msi — builds Tokentray's per-user Windows installer
# from assets/windows/tokentray.wxs with wixl (apt: wixl): EXE, and
# tokentray.com, its console twin, taken from EXE's folder. Then it fixes
# with msibuild (apt: msitools) what wixl 0.101 cannot express or gets wrong:
#  - HKMU registry rows: wixl writes Root 4, which Windows Installer does not
#    know (HKMU is -1), so those values would never be written;
#  - the Autostart component's condition (wixl has no Component/Condition),
#    made Transitive so a repair re-evaluates it;
#  - the same version may replace a rebuilt MSI of itself (no
#    MajorUpgrade/@AllowSameVersionUpgrades in wixl);
#  - AUTOSTART and INSTALLDIR in SecureCustomProperties (no Property/@Secure),
#    so they reach a managed per-machine install;
#  - the install folder on the PATH (no Environment element): the
#    Environment table, its two actions, and the conditions of the PathUser
#    (per-user PATH) and PathMachine (system PATH, ALLUSERS=1) components;
#  - managed settings: each Policy<Name> component (one per value under
#    SOFTWARE\Policies\Tokentray) installed only when its property is set,
#    Transitive, the property taken from that policy row's Value ("[PROP]",
#    "#[PROP]" for a DWORD); those properties in SecureCustomProperties too;
#  - the Start-menu shortcut's System.AppUserModel.ID (no ShortcutProperty
#    element): the MsiShortcutProperty table and its row.
# VERSION is x.y.z (Windows Installer compares three numbers); the icon is
# made from assets/icon.png with ImageMagick at each build, not committed;
# assets/icon.png itself is installed as Tokentray.png (the toasts' icon).
# Prints the path of the MSI.
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: msi.sh VERSION EXE OUT.msi" >&2
  exit 2
fi
version=$1 exe=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
wxs=$(realpath "$here/../../assets/windows/tokentray.wxs")
icon_png=$(realpath "$here/../../assets/icon.png")

need() { # need COMMAND APT-PACKAGE
  command -v "$1" >/dev/null 2>&1 ||
    { echo "msi.sh: $1 not found; install it with: apt-get install $2" >&2; exit 1; }
}
need wixl wixl
need msibuild msitools
need convert imagemagick

[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
  { echo "msi.sh: VERSION must be x.y.z (three numbers), not '$version'" >&2; exit 2; }
[ -f "$exe" ] || { echo "msi.sh: no such file: $exe" >&2; exit 1; }
com=$(dirname "$exe")/tokentray.com
[ -f "$com" ] || { echo "msi.sh: no $com: tokentray.com (the console twin, ./ui/cli/wincon) must be next to $(basename "$exe")" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
convert "$icon_png" -define icon:auto-resize=256,64,48,32,16 "$work/Tokentray.ico"

# wixl finds files only relative to the .wxs (absolute paths are refused).
wxsdir=$(dirname "$wxs")
rel() { realpath --relative-to="$wxsdir" "$1"; }
mkdir -p "$(dirname "$out")"
wixl --arch x64 \
  -D Version="$version" -D Exe="$(rel "$exe")" -D Com="$(rel "$com")" -D Icon="$(rel "$work/Tokentray.ico")" \
  -D Png="$(rel "$icon_png")" \
  -o "$work/Tokentray.msi" "$wxs"

q() { msibuild "$work/Tokentray.msi" -q "$1" >/dev/null || { echo "msi.sh: msibuild failed: $1" >&2; exit 1; }; }
# msidump writes binary streams (the icon) under the current folder: run it in $work/dump.
dump() { rm -rf "$work/dump" && mkdir "$work/dump" && (cd "$work/dump" && msidump -d . ../Tokentray.msi >/dev/null); }
dump
upgrade_code=$(awk -F'\t' '{ sub(/\r$/, "") } $1 == "UpgradeCode" && $2 ~ /^\{/ { print $2 }' "$work/dump/Property.idt")
# The policy components and their properties, "COMPONENT<TAB>PROPERTY", from
# the rows under the policy key: Value "[PROP]" (REG_SZ) or "#[PROP]" (DWORD).
policy_key='SOFTWARE\Policies\Tokentray'
policy_rows() { # (the key through the environment: awk -v would take its \ as escapes)
  policy_key=$policy_key awk -F'\t' 'BEGIN { k = ENVIRON["policy_key"] } { sub(/\r$/, "") } NR > 3 && $3 == k {
    v = $5; sub(/^#/, "", v)
    if (v !~ /^\[[A-Z_]+\]$/) { print "msi.sh: policy row " $1 " has Value \"" $5 "\", not [PROPERTY]" > "/dev/stderr"; exit 1 }
    print $6 "\t" substr(v, 2, length(v) - 2) }' "$work/dump/Registry.idt"
}
policy=$(policy_rows)
[ -n "$policy" ] || { echo "msi.sh: no Registry rows under $policy_key" >&2; exit 1; }
policy_props=$(cut -f2 <<<"$policy" | paste -sd';')
autostart='AUTOSTART="1" OR (AUTOSTART<>"0" AND ((ALLUSERS<>"1" AND AUTOSTARTUSER) OR (ALLUSERS="1" AND AUTOSTARTMACHINE)))'
q "UPDATE \`Registry\` SET \`Root\` = -1 WHERE \`Root\` = 4"
# 324 = 4 (registry key path) + 64 (transitive) + 256 (64-bit).
q "UPDATE \`Component\` SET \`Condition\` = '$autostart', \`Attributes\` = 324 WHERE \`Component\` = 'Autostart'"
# Attributes is part of the Upgrade table's key: delete and insert again.
# 513 = 1 (migrate feature states) + 512 (maximum version included).
q "DELETE FROM \`Upgrade\` WHERE \`ActionProperty\` = 'WIX_UPGRADE_DETECTED'"
q "INSERT INTO \`Upgrade\` (\`UpgradeCode\`, \`VersionMax\`, \`Attributes\`, \`ActionProperty\`) VALUES ('$upgrade_code', '$version', 513, 'WIX_UPGRADE_DETECTED')"
secure="WIX_DOWNGRADE_DETECTED;WIX_UPGRADE_DETECTED;AUTOSTART;INSTALLDIR;$policy_props"
q "UPDATE \`Property\` SET \`Value\` = '$secure' WHERE \`Property\` = 'SecureCustomProperties'"
# Each policy value's component: installed when its property is set;
# transitive, so a repair or reinstall drops it when the property is no
# longer set (324: registry key path, transitive, 64-bit).
while IFS=$'\t' read -r comp prop; do
  q "UPDATE \`Component\` SET \`Condition\` = '$prop', \`Attributes\` = 324 WHERE \`Component\` = '$comp'"
done <<<"$policy"
# PATH += ;INSTALLDIR — what WiX writes for <Environment Name="PATH"
# Value="[INSTALLDIR]" Part="last" Action="set" System="no|yes"/>: "=" set
# on install, "-" remove on uninstall (only this part), "*" the system's
# PATH; "[~];" appends to the value already there. One component each, so
# a per-user install never writes (nor needs rights on) the system PATH.
q "CREATE TABLE \`Environment\` (\`Environment\` CHAR(72) NOT NULL, \`Name\` CHAR(255) NOT NULL LOCALIZABLE, \`Value\` CHAR(255) LOCALIZABLE, \`Component_\` CHAR(72) NOT NULL PRIMARY KEY \`Environment\`)"
q "INSERT INTO \`Environment\` (\`Environment\`, \`Name\`, \`Value\`, \`Component_\`) VALUES ('PathUser', '=-PATH', '[~];[INSTALLDIR]', 'PathUser')"
q "INSERT INTO \`Environment\` (\`Environment\`, \`Name\`, \`Value\`, \`Component_\`) VALUES ('PathMachine', '=-*PATH', '[~];[INSTALLDIR]', 'PathMachine')"
# The standard sequence numbers (after RemoveRegistryValues, after
# WriteRegistryValues).
q "INSERT INTO \`InstallExecuteSequence\` (\`Action\`, \`Sequence\`) VALUES ('RemoveEnvironmentStrings', 3300)"
q "INSERT INTO \`InstallExecuteSequence\` (\`Action\`, \`Sequence\`) VALUES ('WriteEnvironmentStrings', 5200)"
q "UPDATE \`Component\` SET \`Condition\` = 'ALLUSERS<>\"1\"' WHERE \`Component\` = 'PathUser'"
q "UPDATE \`Component\` SET \`Condition\` = 'ALLUSERS=\"1\"' WHERE \`Component\` = 'PathMachine'"
# The shortcut's AppUserModelID: what WiX makes of <ShortcutProperty
# Key="{9F4C2855-9F79-4B39-A8D0-E1D42DE1D5F3}, 5" Value="io.github.tokentray"/>
# (System.AppUserModel.ID's property key as "{FMTID}, PID"). Windows
# Installer 5.0 sets it on the .lnk, and only warns (1946) if it cannot;
# Wine 8 ignores the table. The table's schema is Windows Installer's.
aumid_key='{9F4C2855-9F79-4B39-A8D0-E1D42DE1D5F3}, 5' aumid='io.github.tokentray'
q "CREATE TABLE \`MsiShortcutProperty\` (\`MsiShortcutProperty\` CHAR(72) NOT NULL, \`Shortcut_\` CHAR(72) NOT NULL, \`PropertyKey\` CHAR(0) NOT NULL, \`PropVariantValue\` CHAR(0) NOT NULL PRIMARY KEY \`MsiShortcutProperty\`)"
q "INSERT INTO \`MsiShortcutProperty\` (\`MsiShortcutProperty\`, \`Shortcut_\`, \`PropertyKey\`, \`PropVariantValue\`) VALUES ('TokentrayShortcutAUMID', 'TokentrayShortcut', '$aumid_key', '$aumid')"

# Check that each fix landed (msidump writes CRLF lines; an UPDATE whose WHERE
# matches nothing is no error).
dump
fail() { echo "msi.sh: $1" >&2; exit 1; }
awk -F'\t' '{ sub(/\r$/, "") } NR > 3 && $2 == "4" { bad = 1 } END { exit !bad }' "$work/dump/Registry.idt" &&
  fail "a Registry row still has Root 4"
awk -F'\t' -v c="$autostart" '{ sub(/\r$/, "") } $1 == "Autostart" && $4 == "324" && $5 == c { ok = 1 } END { exit !ok }' \
  "$work/dump/Component.idt" || fail "the Autostart component's condition was not set"
awk -F'\t' -v v="$version" '{ sub(/\r$/, "") } $3 == v && $5 == "513" && $7 == "WIX_UPGRADE_DETECTED" { ok = 1 } END { exit !ok }' \
  "$work/dump/Upgrade.idt" || fail "the upgrade row was not changed"
awk -F'\t' -v v="$secure" '{ sub(/\r$/, "") } $1 == "SecureCustomProperties" && $2 == v { ok = 1 } END { exit !ok }' \
  "$work/dump/Property.idt" || fail "SecureCustomProperties was not set"
[ "$(policy_rows)" = "$policy" ] || fail "the policy rows changed while patching"
while IFS=$'\t' read -r comp prop; do
  awk -F'\t' -v c="$comp" -v p="$prop" '{ sub(/\r$/, "") } $1 == c && $4 == "324" && $5 == p { ok = 1 } END { exit !ok }' \
    "$work/dump/Component.idt" || fail "the $comp component's condition ($prop) was not set"
done <<<"$policy"
awk -F'\t' -v k="$aumid_key" -v v="$aumid" '{ sub(/\r$/, "") } $2 == "TokentrayShortcut" && $3 == k && $4 == v { ok = 1 } END { exit !ok }' \
  "$work/dump/MsiShortcutProperty.idt" 2>/dev/null || fail "the shortcut's AppUserModelID (MsiShortcutProperty) was not added"
awk -F'\t' '{ sub(/\r$/, "") } $1 == "TokentrayCom" && $3 ~ /(^|\|)tokentray\.com$/ { ok = 1 } END { exit !ok }' \
  "$work/dump/File.idt" || fail "tokentray.com is not in the File table"
awk -F'\t' '{ sub(/\r$/, "") } ($1 == "PathUser" && $2 == "=-PATH" || $1 == "PathMachine" && $2 == "=-*PATH") &&
  $3 == "[~];[INSTALLDIR]" && $4 == $1 { n++ } END { exit n != 2 }' "$work/dump/Environment.idt" ||
  fail "the Environment rows were not added"
awk -F'\t' '{ sub(/\r$/, "") } $1 == "RemoveEnvironmentStrings" && $3 == "3300" { r = 1 }
  $1 == "WriteEnvironmentStrings" && $3 == "5200" { w = 1 } END { exit !(r && w) }' \
  "$work/dump/InstallExecuteSequence.idt" || fail "the environment actions are not in InstallExecuteSequence"
awk -F'\t' '{ sub(/\r$/, "") } $1 == "PathUser" && $5 == "ALLUSERS<>\"1\"" { u = 1 }
  $1 == "PathMachine" && $5 == "ALLUSERS=\"1\"" { m = 1 } END { exit !(u && m) }' \
  "$work/dump/Component.idt" || fail "the PATH components' conditions were not set"

mv "$work/Tokentray.msi" "$out"
echo "$out"
