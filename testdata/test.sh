#!/usr/bin/env bash
# test.sh (make test, after the Windows part): every Go test of the module,
# with the race detector, inside testdata/session.sh (private D-Bus,
# unlocked gnome-keyring, Xvfb, temporary HOME).
#  - go test -json is read by bin/testsum, so that a test binary that dies is
#    a failure named with its exit status and the test it was in;
#  - every token a test handles is written to a list (storetest.Secret);
#    afterwards the whole output is searched for each of them: none may
#    appear (an empty list fails: a scan with nothing to look for proves
#    nothing);
#  - the end-to-end tests leave the README's screenshots in bin/screenshots
#    (make screenshots copies them into assets/);
#  - the closing line sums the Linux counts and, unless WINDOWS=skip, the
#    Windows ones (bin/windows/test.json); a package that failed is never
#    summed as "0 failed".
# With WINDOWS=skip the Linux test of the console under Wine skips, saying
# so (TOKENTRAY_SKIP_WINE=1); otherwise it uses the Windows part's prefix.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
TESTSUM=bin/testsum
WIN_DIR=bin/windows

$GO test -count=1 ./testdata/testsum/
mkdir -p bin/screenshots
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ "${WINDOWS:-run}" = skip ]; then
  wine=(TOKENTRAY_SKIP_WINE=1)
  totals=(bin/test.json)
else
  wine=(WINEPREFIX="$PWD/$WIN_DIR/wine")
  totals=(bin/test.json "$WIN_DIR/test.json")
fi
rc=0
env TOKENTRAY_TEST_SECRETS="$work/secrets" TOKENTRAY_SCREENSHOTS="$PWD/bin/screenshots" "${wine[@]}" ./testdata/session.sh \
  $GO test -json -race -count=1 -timeout 20m -exec "$PWD/testdata/exec.sh" ./... 2>&1 | tee bin/test.json |
  $TESTSUM -label linux -o bin/test.out || rc=$?
sed -n '/^FAULT MATRIX$/,/^fault matrix:/p' bin/test.out
if [ $rc -ne 0 ]; then tail -n 80 bin/test.out; fi
$TESTSUM -scan "$work/secrets" bin/test.out || rc=1
echo "screenshots: in bin/screenshots (make screenshots copies them into assets/ for the README)"
$TESTSUM -total "${totals[@]}" || rc=1
exit $rc
