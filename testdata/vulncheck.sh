#!/usr/bin/env bash
# vulncheck.sh GOVULNCHECK BINARY... — make vulncheck: govulncheck on the
# source tree (./..., every package and test) and on each built release
# binary (-mode binary, what ships), against the Go vulnerability database:
#   VULNDB if set (file:///… or a URL);
#   else the live database, when it answers;
#   else the offline copy ../shared/vulndb/osv (next to this checkout),
#   when it exists.
# Prints which database it used and its date. A finding fails. With no
# database at all it says NOT RUN, and fails when VULNCHECK=required (CI).
set -uo pipefail
govulncheck=$1; shift
live=https://vuln.go.dev
offline=$(cd "$(dirname "$0")/../.." && pwd)/shared/vulndb

db=${VULNDB:-}; what="$db (VULNDB)"
if [ -z "$db" ]; then
  if command -v curl >/dev/null && curl -sf -o /dev/null --max-time 10 "$live/index/db.json"; then
    db=$live; what="the live database, $live"
  elif [ -d "$offline/osv" ]; then
    db="file://$offline/osv"
    # The copy's README names the vulndb commit and date it was taken at.
    date=$(grep -oE '[0-9a-f]{12,40} \([0-9]{4}-[0-9]{2}-[0-9]{2}\)' "$offline/README.md" 2>/dev/null | head -n1)
    what="the offline copy $offline/osv, snapshot of golang/vulndb ${date:-(date unknown: see its README)}"
  fi
fi
if [ -z "$db" ]; then
  echo "vulncheck: NOT RUN — the vulnerability database cannot be reached from this machine and there is no offline copy at $offline/osv (VULNDB=file:///… names one)"
  [ "${VULNCHECK:-}" != required ] || exit 1
  exit 0
fi
echo "vulncheck: database: $what"

rc=0
scan() { # scan NAME ARGS...: one govulncheck run, its findings printed in full
  local name=$1; shift
  local out
  out=$("$govulncheck" -db "$db" "$@" 2>&1)
  case $? in
    0) echo "vulncheck: $name: clean ($(echo "$out" | grep -E "^(No vulnerabilities found|Your code is affected)" | tail -n 1))" ;;
    3) echo "$out"; echo "vulncheck: FAIL: $name has known vulnerabilities (above)"; rc=1 ;;
    *) echo "$out"; echo "vulncheck: FAIL: govulncheck could not scan $name"; rc=1 ;;
  esac
}
for bin in "$@"; do
  scan "binary $bin" -mode binary "$bin"
done
scan "source tree ./..." ./...
exit $rc
