#!/usr/bin/env bash
# hosts.sh (make test-deps): the tests (and Windows programs under Wine,
# which resolve names through the system) need "localhost" to resolve, as
# every installed Debian has it in /etc/hosts; a bare root (debootstrap) has
# no /etc/hosts: make Debian's default one.
set -euo pipefail
getent hosts localhost >/dev/null && exit 0
if [ ! -e /etc/hosts ] && [ "$(id -u)" = 0 ]; then
  printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >/etc/hosts
  echo "make: this system had no /etc/hosts, so localhost did not resolve; wrote Debian's default one"
else
  echo "make: localhost does not resolve here: add '127.0.0.1 localhost' to /etc/hosts"
  exit 1
fi
