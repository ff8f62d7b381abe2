#!/usr/bin/env bash
# idle-bench.sh SECONDS — run inside testdata/session.sh (make bench).
# Measures what ships: builds the tokentray command and the tokentray-app
# desktop app as make build does (release flags, no demo tag, no in-process
# test server), starts the test authorization server as a program of its
# own (testdata/windows/authserver, 1-hour tokens), adds it as a custom
# provider and connects 20 accounts through the tokentray command (a
# curl-based browser follows the sign-in redirects), then starts the app
# through tokentray (no arguments: it execs tokentray-app beside it) and a
# minimal Fyne app side by side on the session's Xvfb, and a reference: the
# minimal app with one button in a window of Tokentray's size (what the
# toolkit itself costs for such a window: a button's text is in Fyne's bold
# face, a second font, and a larger window has larger buffers); lets them
# idle for SECONDS after 5 s to settle, and prints the CPU time each used,
# its resident memory, and the ratios.
set -euo pipefail
secs=${1:-60}
cd "$(dirname "$0")/.."
if [ -z "${TOKENTRAY_TEST_SESSION:-}" ]; then
  echo "idle-bench.sh: run it inside testdata/session.sh (make bench): it connects 20 accounts in the keyring" >&2
  exit 2
fi
work=$(mktemp -d)
app= min= ref= srv=
trap 'kill $app $min $ref $srv 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

version=$(sed -n 's/^Version = "\(.*\)"/\1/p' FyneApp.toml)
ldflags="-X github.com/tokentray/tokentray/ui/cli.Version=$version"
CGO_ENABLED=0 go build -ldflags "$ldflags" -o "$work/tokentray" ./ui/cli/tokentray
go build -tags release -ldflags "$ldflags" -o "$work/tokentray-app" .
go build -o "$work/authserver" ./testdata/windows/authserver
go build -o "$work/minimal" ./testdata/minimalfyne
export TOKENTRAY_CONFIG_DIR="$work/config"
cat >"$work/browser" <<'B'
#!/bin/sh
exec curl -sL --max-time 30 -o /dev/null "$1"
B
chmod +x "$work/browser"
export TOKENTRAY_BROWSER="$work/browser"
tt() { "$work/tokentray" "$@"; }
fail() { echo "idle-bench.sh: $*" >&2; exit 1; }

# The authorization server, in its own process: its URL is its first line.
# (-signal: a background job's standard input is /dev/null, which would end
# it at once; it is stopped with SIGTERM on exit.)
"$work/authserver" -lifetime 1h -signal >"$work/srv.out" 2>"$work/srv.log" & srv=$!
url=
for _ in $(seq 300); do # up to 30 s
  url=$(head -n 1 "$work/srv.out")
  [ -n "$url" ] && break
  kill -0 $srv 2>/dev/null || fail "the authorization server ended: $(cat "$work/srv.log")"
  sleep 0.1
done
case $url in http://127.0.0.1:*) ;; *) fail "the authorization server printed no URL in 30 s" ;; esac

printf %s tokentray-test-secret | tt provider add bench --issuer "$url" --client-id tokentray-test \
  --client-secret-stdin --scopes "openid profile email offline_access" 2>"$work/cli.log" ||
  fail "provider add: $(cat "$work/cli.log")"
for i in $(seq 1 20); do
  tt connect bench --name "Acct $i" >/dev/null 2>"$work/cli.log" || fail "connect Acct $i: $(cat "$work/cli.log")"
done
connected() { tt list --json 2>/dev/null | grep -c '"state": "ok"' || true; }
n=$(connected)
[ "$n" -eq 20 ] || fail "$n of 20 accounts connected"

# The app through the command, as a desktop launcher starts it, and the
# minimal app beside it. tokentray execs tokentray-app: same process.
"$work/tokentray" >"$work/app.log" 2>&1 & app=$!
"$work/minimal" >"$work/min.log" 2>&1 & min=$!
"$work/minimal" -button -size 560x440 >"$work/ref.log" 2>&1 & ref=$!
# Started: the process is tokentray-app and holds its instance socket.
# (ui/instance.Dir: one directory per config folder, named by 16 hex
# digits of the SHA-256 of the folder's absolute path.)
inst=${XDG_RUNTIME_DIR:+$XDG_RUNTIME_DIR/tokentray/$(printf %s "$(realpath -ms "$TOKENTRAY_CONFIG_DIR")" | sha256sum | cut -c1-16)}
inst=${inst:-$TOKENTRAY_CONFIG_DIR}
for _ in $(seq 600); do # up to 60 s
  kill -0 $app 2>/dev/null || fail "the app ended: $(cat "$work/app.log")"
  [ "$(readlink "/proc/$app/exe" 2>/dev/null)" = "$work/tokentray-app" ] && [ -S "$inst/instance.sock" ] && break
  sleep 0.1
done
[ -S "$inst/instance.sock" ] || fail "the app did not start in 60 s: $(cat "$work/app.log")"
kill -0 $min 2>/dev/null || fail "the minimal app ended: $(cat "$work/min.log")"
kill -0 $ref 2>/dev/null || fail "the reference app ended: $(cat "$work/ref.log")"
sleep 5 # both settle before measuring (part of the benchmark)

ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
parts() { awk '/RssAnon|RssFile|RssShmem/ {printf "%s %.1f MB  ", $1, $2/1024}' "/proc/$1/status"; }
a0=$(ticks $app); m0=$(ticks $min); r0=$(ticks $ref)
sleep "$secs" # the measurement itself
a1=$(ticks $app); m1=$(ticks $min); r1=$(ticks $ref)
ar=$(rss $app); mr=$(rss $min); rr=$(rss $ref); ap=$(parts $app); mp=$(parts $min); rp=$(parts $ref)
n=$(connected)
hz=$(getconf CLK_TCK)
awk -v a=$((a1-a0)) -v m=$((m1-m0)) -v r=$((r1-r0)) -v ar="$ar" -v mr="$mr" -v rr="$rr" -v hz="$hz" -v s="$secs" -v n="$n" \
    -v ap="$ap" -v mp="$mp" -v rp="$rp" 'BEGIN {
  printf "idle for %d s: tokentray (release build, %d accounts, server in another process) vs a minimal Fyne app\n", s, n
  printf "%-22s %12s %12s %12s\n", "", "tokentray", "minimal", "reference"
  printf "%-22s %11.1f%% %11.1f%% %11.1f%%\n", "CPU (of one core)", 100*a/hz/s, 100*m/hz/s, 100*r/hz/s
  printf "%-22s %9.1f MB %9.1f MB %9.1f MB\n", "RSS", ar/1024, mr/1024, rr/1024
  printf "tokentray RSS: %s\nminimal RSS:   %s\nreference RSS: %s\n", ap, mp, rp
  printf "ratio to minimal: CPU %.2f, RSS %.2f; to reference: CPU %.2f, RSS %.2f\n", (m ? a/m : 0), ar/mr, (r ? a/r : 0), ar/rr
  printf "idle-result: seconds=%d accounts=%d app_cpu_pct=%.3f min_cpu_pct=%.3f app_rss_mb=%.1f min_rss_mb=%.1f ref_cpu_pct=%.3f ref_rss_mb=%.1f\n", s, n, 100*a/hz/s, 100*m/hz/s, ar/1024, mr/1024, 100*r/hz/s, rr/1024
}'
[ "$n" -eq 20 ] || fail "only $n of 20 accounts were connected after the measurement"
