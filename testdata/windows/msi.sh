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
#    (per-user PATH) and PathMachine (system PATH, ALLUSERS=1) components.
# VERSION is x.y.z (Windows Installer compares three numbers); the icon is
# made from assets/icon.png with ImageMagick at each build, not committed.
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
  -o "$work/Tokentray.msi" "$wxs"

q() { msibuild "$work/Tokentray.msi" -q "$1" >/dev/null || { echo "msi.sh: msibuild failed: $1" >&2; exit 1; }; }
# msidump writes binary streams (the icon) under the current folder: run it in $work/dump.
dump() { rm -rf "$work/dump" && mkdir "$work/dump" && (cd "$work/dump" && msidump -d . ../Tokentray.msi >/dev/null); }
dump
upgrade_code=$(awk -F'\t' '{ sub(/\r$/, "") } $1 == "UpgradeCode" && $2 ~ /^\{/ { print $2 }' "$work/dump/Property.idt")
autostart='AUTOSTART="1" OR (AUTOSTART<>"0" AND ((ALLUSERS<>"1" AND AUTOSTARTUSER) OR (ALLUSERS="1" AND AUTOSTARTMACHINE)))'
q "UPDATE \`Registry\` SET \`Root\` = -1 WHERE \`Root\` = 4"
# 324 = 4 (registry key path) + 64 (transitive) + 256 (64-bit).
q "UPDATE \`Component\` SET \`Condition\` = '$autostart', \`Attributes\` = 324 WHERE \`Component\` = 'Autostart'"
# Attributes is part of the Upgrade table's key: delete and insert again.
# 513 = 1 (migrate feature states) + 512 (maximum version included).
q "DELETE FROM \`Upgrade\` WHERE \`ActionProperty\` = 'WIX_UPGRADE_DETECTED'"
q "INSERT INTO \`Upgrade\` (\`UpgradeCode\`, \`VersionMax\`, \`Attributes\`, \`ActionProperty\`) VALUES ('$upgrade_code', '$version', 513, 'WIX_UPGRADE_DETECTED')"
q "UPDATE \`Property\` SET \`Value\` = 'WIX_DOWNGRADE_DETECTED;WIX_UPGRADE_DETECTED;AUTOSTART;INSTALLDIR' WHERE \`Property\` = 'SecureCustomProperties'"
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
grep -q 'AUTOSTART;INSTALLDIR' "$work/dump/Property.idt" || fail "SecureCustomProperties was not set"
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
