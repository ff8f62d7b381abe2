#!/usr/bin/env bash
# package.sh FYNE BIN APP (make package): bin/Tokentray.tar.xz with the
# command (BIN) and the desktop app (APP), the icon and the .desktop file
# (from FyneApp.toml). Fyne's tool packs one program, the command (the menu
# entry runs it, and it starts the app); the app is added beside it, and to
# the install lines of the package's Makefile. On macOS and Windows the same
# tool makes a .app or an .exe (--os darwin / --os windows), but only on
# those systems: cross-building Fyne needs their C toolchains.
set -euo pipefail
cd "$(dirname "$0")/.."
FYNE=$1 BIN=$2 APP=$3
cp FyneApp.toml bin/FyneApp.toml.orig # the tool counts builds in it; keep it unchanged
rc=0
"$FYNE" package --os linux --exe "$BIN" --release || rc=$?
mv bin/FyneApp.toml.orig FyneApp.toml
[ $rc -eq 0 ] || exit $rc
rm -rf bin/pkg && mkdir -p bin/pkg && tar xJf Tokentray.tar.xz -C bin/pkg && rm Tokentray.tar.xz
install -m755 "$APP" bin/pkg/tokentray/usr/local/bin/tokentray-app
sed -i -e '/usr\/local\/bin\/$(Exec) /{p;s/$(Exec)/$(Exec)-app/g}' -e '/\/bin\/$(Exec)$/{p;s/$/-app/}' bin/pkg/tokentray/Makefile
tar cJf bin/Tokentray.tar.xz -C bin/pkg tokentray && rm -rf bin/pkg
echo "bin/Tokentray.tar.xz"
