#!/usr/bin/env bash
# resources.sh VERSION BUILD OUT.syso — the Windows resources of
# Tokentray.exe (the icon, from assets/icon.png; a manifest; the version
# shown in Explorer's Properties and by installers), compiled by mingw-w64's
# windres into an object that go build links when it lies in the main
# package's folder (named *_windows_amd64.syso, so other builds skip it).
# Made at each build, never committed.
set -euo pipefail
version=$1 build=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "resources.sh: VERSION must be x.y.z, not '$version'" >&2; exit 2; }
[[ $build =~ ^[0-9]+$ ]] || { echo "resources.sh: BUILD must be a number, not '$build'" >&2; exit 2; }
for tool in x86_64-w64-mingw32-windres convert; do
  command -v "$tool" >/dev/null || { echo "resources.sh: $tool is missing (make windows installs it)" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
convert "$root/assets/icon.png" -define icon:auto-resize=256,64,48,32,16 "$work/tokentray.ico"
cat >"$work/tokentray.manifest" <<XML
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0">
  <assemblyIdentity version="$version.$build" processorArchitecture="amd64" name="io.github.tokentray" type="win32"/>
  <description>Tokentray</description>
  <trustInfo xmlns="urn:schemas-microsoft-com:asm.v3">
    <security><requestedPrivileges><requestedExecutionLevel level="asInvoker" uiAccess="false"/></requestedPrivileges></security>
  </trustInfo>
  <compatibility xmlns="urn:schemas-microsoft-com:compatibility.v1">
    <application><supportedOS Id="{8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a}"/></application>
  </compatibility>
</assembly>
XML
v=${version//./,},$build
cat >"$work/tokentray.rc" <<RC
#include <winver.h>
1 ICON "tokentray.ico"
1 24 "tokentray.manifest"
1 VERSIONINFO
FILEVERSION $v
PRODUCTVERSION $v
FILEOS VOS_NT_WINDOWS32
FILETYPE VFT_APP
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904B0"
    BEGIN
      VALUE "CompanyName", "Tokentray"
      VALUE "FileDescription", "Tokentray - keeps your OAuth tokens fresh"
      VALUE "FileVersion", "$version.$build"
      VALUE "InternalName", "Tokentray"
      VALUE "OriginalFilename", "Tokentray.exe"
      VALUE "ProductName", "Tokentray"
      VALUE "ProductVersion", "$version"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
RC
(cd "$work" && x86_64-w64-mingw32-windres -O coff -F pe-x86-64 -i tokentray.rc -o tokentray.syso)
cp "$work/tokentray.syso" "$out"
