#!/usr/bin/env bash
# ensure-pkgs.sh PKG...: installs the named Debian packages that are not
# installed yet, saying which, with apt-get (through sudo when not root).
# On a system without dpkg it only names them.
set -euo pipefail
if ! command -v dpkg-query >/dev/null; then
  echo "Not a Debian-like system: make sure these are installed: $*"
  exit 0
fi
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
echo "Installing missing system packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
