#!/usr/bin/env bash
# overlay.sh DIR — writes DIR/overlay.json for `go test -overlay`, a
# test-harness shim for Wine 8 (never used for what ships): Go >= 1.25
# deletes files with NtSetInformationFile(FileDispositionInformationEx),
# which Wine 8 answers with STATUS_NOT_IMPLEMENTED ("Invalid function")
# instead of STATUS_INVALID_INFO_CLASS, so os.RemoveAll (and t.TempDir's
# cleanup) fail there although real Windows deletes fine. The overlay adds
# that status to the cases where Go already falls back to the older call.
set -euo pipefail
dir=$(realpath -m "$1")
src="$(go env GOROOT)/src/internal/syscall/windows/at_windows.go"
mkdir -p "$dir"
anchor='STATUS_NOT_SUPPORTED:     // the file system'
grep -qF "$anchor" "$src" || { echo "overlay.sh: $src changed; update the Wine delete shim" >&2; exit 1; }
sed "s|$anchor|NTStatus(0xC0000002), // STATUS_NOT_IMPLEMENTED: Wine 8 (test shim)\n\t\t$anchor|" "$src" >"$dir/at_windows.go"
printf '{"Replace":{"%s":"%s"}}\n' "$src" "$dir/at_windows.go" >"$dir/overlay.json"
