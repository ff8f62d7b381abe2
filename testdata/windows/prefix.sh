#!/usr/bin/env bash
# prefix.sh DIR — makes (once) a private 64-bit Wine prefix in DIR for the
# Windows tests, with the ProcessPrng shim (processprng.c) that lets Wine 8
# start programs built by Go >= 1.22. The prefix is kept between runs; it
# is remade when the shim's source changes. Prints nothing on success.
set -euo pipefail
dir=$(realpath -m "$1")
here=$(cd "$(dirname "$0")" && pwd)
export WINEPREFIX="$dir" WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
stamp="$dir/.tokentray-shim.sha256"
want=$(sha256sum "$here/processprng.c" "$0" | sha256sum | cut -c1-64)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$dir/drive_c/windows/system32/bcryptprimitives.dll" ]; then
  exit 0
fi
[ -d "$dir" ] && wineserver -k 2>/dev/null || true # nothing may run in the old prefix
rm -rf "$dir"
mkdir -p "$dir"
echo "prefix.sh: making the Wine prefix $dir (once; kept for later runs)" >&2
wineboot -i >/dev/null 2>&1
wineserver -w
x86_64-w64-mingw32-gcc -shared -O2 -o "$dir/bcryptprimitives.dll" "$here/processprng.c" -ladvapi32
cp "$dir/bcryptprimitives.dll" "$dir/drive_c/windows/system32/bcryptprimitives.dll"
echo "$want" >"$stamp"
