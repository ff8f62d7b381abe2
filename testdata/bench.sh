#!/usr/bin/env bash
# bench.sh (make bench): every benchmark, several runs each, in the private
# session (real keyring, local authorization server, Xvfb), then
# BENCHMARKS.md is rewritten with the medians (testdata/benchreport). Raw
# output: bin/bench/. About 10 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
mkdir -p bin/bench && rm -f bin/bench/go.txt bin/bench/idle.txt
start=$(date +%s)
bench() { ./testdata/session.sh $GO test -run '^$' "$@" | tee -a bin/bench/go.txt; }
bench -bench KeeperScale -benchtime=1x -count=3 -timeout 45m ./auth/keeper/
bench -bench ConnectFlow -benchtime=20x -count=5 ./ui/accounts/
bench -bench TokenVsProcessStart -benchtime=1x -count=5 -timeout 20m ./ui/cli/
bench -bench GatewayLatency -benchtime=2000x -count=5 ./ui/gateway/
bench -bench GatewayStream200MB -benchtime=1x -count=5 ./ui/gateway/
for i in 1 2 3; do ./testdata/session.sh ./testdata/idle-bench.sh 30 | tee -a bin/bench/idle.txt; done
took=$(( $(date +%s) - start ))
$GO run ./testdata/benchreport -go bin/bench/go.txt -idle bin/bench/idle.txt -o BENCHMARKS.md \
  -wall "$(( took / 60 )) min $(( took % 60 )) s"
