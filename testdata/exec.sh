#!/usr/bin/env bash
# exec.sh PROGRAM ARGS... — go test's -exec for the Linux tests: runs the
# test binary and, when it fails, says its exit status, which go test -json
# never does (testdata/testsum reads it, so that a binary that dies is
# reported with its status and the test it was in).
"$@"
rc=$?
[ "$rc" -eq 0 ] || echo "test binary exit status $rc" >&2
exit "$rc"
