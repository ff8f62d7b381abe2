#!/usr/bin/env bash
# wine-exec.sh PROGRAM.exe ARGS... — go test's -exec for GOOS=windows: runs
# the test binary under Wine in the private prefix ($WINEPREFIX, made by
# prefix.sh; default bin/windows/wine). Its exit code is the program's. With
# TOKENTRAY_EXEC_STATUS=1 (make test-windows) a failing program's exit
# status is also said on stderr, which go test -json never says, so that
# testdata/testsum can name a test binary that died and how.
set -euo pipefail
export WINEPREFIX=${WINEPREFIX:-$(cd "$(dirname "$0")/../.." && pwd)/bin/windows/wine}
export WINEARCH=win64 WINEDEBUG=${WINEDEBUG:--all} WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
[ "${TOKENTRAY_EXEC_STATUS:-}" = 1 ] || exec wine "$@"
rc=0
wine "$@" || rc=$?
[ "$rc" -eq 0 ] || echo "test binary exit status $rc" >&2
exit "$rc"
