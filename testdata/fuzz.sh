#!/usr/bin/env bash
# fuzz.sh [FUZZTIME] (make fuzz): every fuzz target of every package for a
# bounded time each (default 30s): the parsers of outside input (loopback
# callback, approval title/URL/paste, token responses in both dialects,
# discovery documents, identity answers, imported credentials, connection
# profiles, the metadata file). New failing inputs land in the package's
# testdata/fuzz: commit them with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${1:-30s}
for pkg in $($GO list ./...); do
  for target in $($GO test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
    echo "fuzzing $pkg $target for $FUZZTIME"
    $GO test -run '^$' -fuzz "^$target\$" -fuzztime "$FUZZTIME" "$pkg" 2>&1 | tail -n 3
  done
done
