#!/usr/bin/env bash
# package-check.sh VERSION (make package-check, run by make test): unpacks
# bin/Tokentray.tar.xz and checks what is inside: its Makefile installs both
# programs, each runs and says its version, the app is a release build (as
# the Windows exe is: windows/test.sh), the desktop file validates, the icon
# is there.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=$1
GO=${GO:-go}
rm -rf bin/package-check && mkdir -p bin/package-check && tar xJf bin/Tokentray.tar.xz -C bin/package-check
make -s -C bin/package-check/tokentray install DESTDIR="$PWD/bin/package-check/root" PREFIX=/usr
for p in tokentray tokentray-app; do
  v=$(bin/package-check/root/usr/bin/$p --version 2>/dev/null || true)
  [ "$v" = "tokentray $VERSION" ] || { echo "package-check: $p --version says '$v'"; exit 1; }
done
app=bin/package-check/root/usr/bin/tokentray-app
$GO version -m "$app" | grep -qE '^\s+build\s+-tags=release$' || { echo "$app was not built with -tags release"; exit 1; }
desktop-file-validate bin/package-check/tokentray/usr/local/share/applications/io.github.tokentray.desktop
test -s bin/package-check/tokentray/usr/local/share/pixmaps/io.github.tokentray.png
echo "package-check: ok (tokentray $VERSION: the command and the app install and run, desktop file valid, icon present)"
