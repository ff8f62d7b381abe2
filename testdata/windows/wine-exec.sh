#!/usr/bin/env bash
# wine-exec.sh PROGRAM.exe ARGS... — go test's -exec for GOOS=windows: runs
# the test binary under Wine in the private prefix ($WINEPREFIX, made by
# prefix.sh; default bin/windows/wine). Its exit code is the program's.
set -euo pipefail
export WINEPREFIX=${WINEPREFIX:-$(cd "$(dirname "$0")/../.." && pwd)/bin/windows/wine}
export WINEARCH=win64 WINEDEBUG=${WINEDEBUG:--all} WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
exec wine "$@"
