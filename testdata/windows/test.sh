#!/usr/bin/env bash
# windows/test.sh VERSION (make test-windows, run by make test): the Windows
# build tested under Wine, in a private prefix kept in bin/windows/wine (made
# once, with a test-only shim for Wine 8), under the private test session's
# Xvfb:
#  1. go test of every package that does not link Fyne's driver, built for
#     Windows and run by Wine (gotest.sh: every binary built first, then one
#     Wine session set up alone and kept for the whole run); tests of
#     Linux-only machinery skip saying why; the output is read by
#     bin/testsum and searched for every token a test handled;
#  2. the exe end to end (e2e.sh): command line connect → token →
#     disconnect against the test server, the desktop window with a
#     screenshot, the tray icon, single instance, and a scan of the prefix
#     for tokens in plain text;
#  3. managed settings written with reg add, seen by the command line and the
#     window (policy-e2e.sh);
#  4. the MSI installed over a 0.0.9 one (an upgrade), started and
#     uninstalled, in a copy of the prefix (msi-test.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=$1
GO=${GO:-go}
TESTSUM=$PWD/bin/testsum
WIN_DIR=bin/windows
EXE=$WIN_DIR/Tokentray.exe
MSI=$WIN_DIR/Tokentray-$VERSION.msi
# The packages whose tests run under Wine: all but those that link Fyne's
# driver (ui/tray, the main package) or need a Linux desktop.
PKGS=(./auth/ ./auth/claude/ ./auth/keeper/ ./ui/system/title/ ./store/... ./ui/cli/ ./ui/accounts/ ./ui/instance/ ./ui/policy/ ./ui/system/)

$GO version -m "$EXE" | grep -qE '^\s+build\s+-tags=release$' || { echo "$EXE was not built with -tags release"; exit 1; }
./testdata/windows/prefix.sh "$WIN_DIR/wine"
./testdata/windows/overlay.sh "$WIN_DIR/overlay"
export WINEPREFIX=$PWD/$WIN_DIR/wine

start=$(date +%s)
secrets=$PWD/$WIN_DIR/test-secrets
rm -f "$secrets"
rc=0
TOKENTRAY_TEST_SECRETS="$(winepath -w "$secrets" 2>/dev/null)" \
  ./testdata/session.sh env CGO_ENABLED=0 GOOS=windows \
  ./testdata/windows/gotest.sh "$PWD/$WIN_DIR/overlay/overlay.json" "${PKGS[@]}" 2>&1 | tee "$WIN_DIR/test.json" |
  "$TESTSUM" -label windows -o "$WIN_DIR/test.out" || rc=$?
if [ $rc -ne 0 ]; then tail -n 60 "$WIN_DIR/test.out"; fi
echo "windows go test under Wine took $(( $(date +%s) - start )) s"
"$TESTSUM" -scan "$secrets" "$WIN_DIR/test.out" || rc=1
rm -f "$secrets"
[ $rc -eq 0 ] || exit $rc

VERSION=$VERSION ./testdata/session.sh ./testdata/windows/e2e.sh "$EXE"
./testdata/session.sh ./testdata/windows/policy-e2e.sh "$EXE"

rm -rf "$WIN_DIR/wine-msi"
cp -a "$WIN_DIR/wine" "$WIN_DIR/wine-msi"
trap 'rm -rf "$WIN_DIR/wine-msi"' EXIT
./testdata/windows/msi.sh 0.0.9 "$EXE" "$WIN_DIR/Tokentray-0.0.9.msi" >/dev/null
WINEPREFIX=$PWD/$WIN_DIR/wine-msi ./testdata/windows/msi-test.sh "$MSI" "$VERSION" "$WIN_DIR/Tokentray-0.0.9.msi"
