#!/usr/bin/env bash
# gotest.sh OVERLAY PACKAGES... — make test-windows's go test under Wine, run
# inside testdata/session.sh, in $WINEPREFIX (made by prefix.sh). It prints
# go test -json on stdout, for testdata/testsum.
#
# Wine starts its session (wineserver, then wineboot --init, services.exe,
# winedevice.exe with its drivers, explorer.exe's desktop) when the first
# program of a prefix starts, and ends it a few seconds after the last one
# exits. Run as go test runs packages — several test binaries at once, each
# starting as soon as it is linked — the binaries of a cold build start
# while that session is still being set up, and again each time a pause
# between two packages lets it end. So here, before any test binary runs:
#  1. every test binary is built (go test -exec true runs none), so that
#     none is linked while another starts;
#  2. one persistent wineserver is started for the whole run (-p), so the
#     session is set up once and never ends between packages;
#  3. one program is run to the end in it (wineboot's session start, the
#     services and the desktop), alone;
# then the tests run, with -exec wine-exec.sh, and the wineserver is stopped.
set -uo pipefail
overlay=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
export WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
: "${WINEPREFIX:?WINEPREFIX names the prefix made by prefix.sh}"

gotest() { go test -json -count=1 -timeout 20m -overlay "$overlay" "$@"; }

# 1. Build (and link) every test binary; a build error is reported here, as
# go test reports it, and the run stops.
if ! out=$(gotest -run '^$' -exec /bin/true "$@" 2>&1); then
  printf '%s\n' "$out"
  exit 1
fi

# 2, 3. One Wine session for the run, started alone.
wineserver -p
trap 'wineserver -k 2>/dev/null; wineserver -w 2>/dev/null' EXIT
if ! wine cmd.exe /c exit 0 >/dev/null 2>&1; then
  echo "gotest.sh: Wine could not run cmd.exe in $WINEPREFIX" >&2
  exit 1
fi

TOKENTRAY_EXEC_STATUS=1 gotest -exec "$here/wine-exec.sh" "$@"
