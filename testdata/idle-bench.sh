#!/usr/bin/env bash
# idle-bench.sh SECONDS — run inside testdata/session.sh (make bench).
# Starts the demo app with 20 connected demo accounts and a minimal Fyne app
# side by side on the session's Xvfb, lets both idle for SECONDS, and prints
# the CPU time each used and its resident memory, and the ratios.
set -euo pipefail
secs=${1:-60}
work=$(mktemp -d)
trap 'kill $app $min 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
go build -tags demo -o "$work/tokentray-demo" .
go build -o "$work/minimal" ./testdata/minimalfyne
export TOKENTRAY_CONFIG_DIR="$work/config"
cat >"$work/browser" <<'B'
#!/bin/sh
exec python3 -c 'import sys,urllib.request; urllib.request.urlopen(sys.argv[1]).read()' "$1"
B
chmod +x "$work/browser"
export TOKENTRAY_BROWSER="$work/browser"

"$work/tokentray-demo" >"$work/app.log" 2>&1 & app=$!
until "$work/tokentray-demo" provider list 2>/dev/null | grep -q '^demo'; do sleep 0.2; done
for i in $(seq 1 20); do
  "$work/tokentray-demo" connect demo --name "Demo $i" >/dev/null 2>&1
done
"$work/minimal" >"$work/min.log" 2>&1 & min=$!
sleep 5 # both settle before measuring

ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
a0=$(ticks $app); m0=$(ticks $min)
sleep "$secs"
a1=$(ticks $app); m1=$(ticks $min)
hz=$(getconf CLK_TCK)
awk -v a=$((a1-a0)) -v m=$((m1-m0)) -v ar=$(rss $app) -v mr=$(rss $min) -v hz=$hz -v s=$secs -v n=$("$work/tokentray-demo" list --json 2>/dev/null | grep -c '"id"') 'BEGIN {
  printf "idle for %d s, tokentray with %d demo accounts vs a minimal Fyne app\n", s, n
  printf "%-22s %12s %12s\n", "", "tokentray", "minimal"
  printf "%-22s %11.1f%% %11.1f%%\n", "CPU (of one core)", 100*a/hz/s, 100*m/hz/s
  printf "%-22s %9.1f MB %9.1f MB\n", "RSS", ar/1024, mr/1024
  printf "ratio: CPU %.2f, RSS %.2f\n", (m ? a/m : 0), ar/mr
  printf "idle-result: seconds=%d accounts=%d app_cpu_pct=%.3f min_cpu_pct=%.3f app_rss_mb=%.1f min_rss_mb=%.1f\n", s, n, 100*a/hz/s, 100*m/hz/s, ar/1024, mr/1024
}'
