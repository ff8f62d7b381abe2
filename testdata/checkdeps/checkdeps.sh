#!/usr/bin/env bash
# checkdeps.sh (make check-deps): the architecture's rules, each a check that
# fails with one line saying which rule broke and why it exists.
#  - auth, store, ui/accounts, ui/system, ui/words, ui/gateway, ui/policy and
#    ui/cli never import Fyne (so the tokentray command, ui/cli/tokentray,
#    links none of it: a script's call costs about a process start);
#  - auth never imports ui/* and holds no OS window code (X11, user32): the
#    OS integration is ui/system's;
#  - no package outside auth and store imports the OAuth client
#    (golang.org/x/oauth2): OAuth belongs in auth;
#  - auth/authtest (the test authorization server) never imports auth;
#  - fosite stays out of the release binary;
#  - auth, store, ui/system, ui/words, ui/gateway and ui/policy build without
#    cgo for Linux, Windows and macOS;
#  - no keyring.DeleteAll (on Windows it lists every credential, and under
#    Wine that crashes when another process writes one);
#  - auth and store hold no sentences for people: they say what happened
#    (kinds and fields), ui/words says it (testdata/checkdeps/sentences.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go}
mod=github.com/tokentray/tokentray

fail() { echo "check-deps: $*"; exit 1; }

if $GO list -deps ./auth/... ./store/... ./ui/accounts/... ./ui/system/... ./ui/cli/... ./ui/words/... ./ui/gateway/... ./ui/policy/... | grep -q '^fyne.io/'; then
  fail "auth, store, ui/accounts, ui/system, ui/words, ui/gateway, ui/policy and ui/cli (the tokentray command among them) must not import Fyne"
fi
if $GO list -deps ./auth/... | grep -q "^$mod/ui/"; then
  fail "auth must not import ui/* (the OS integration is ui/system's)"
fi
for os in linux windows darwin; do
  if GOOS=$os CGO_ENABLED=0 $GO list -f '{{.ImportPath}}: {{join .Imports " "}}' ./auth/... | grep -E 'github.com/jezek/xgb'; then
    fail "auth holds X11 window code (for $os): window titles and the like belong in ui/system"
  fi
done
if git grep -n -i 'user32' -- 'auth/*.go'; then
  fail "auth holds Windows window code (user32): window titles and the like belong in ui/system"
fi
if $GO list -f '{{.ImportPath}}: {{join .Imports " "}} {{join .TestImports " "}} {{join .XTestImports " "}}' . ./ui/... | grep 'golang.org/x/oauth2'; then
  fail "the packages above import golang.org/x/oauth2: OAuth belongs in auth (use auth.Token)"
fi
if $GO list -deps ./auth/authtest | grep -qx "$mod/auth"; then
  fail "auth/authtest must not import auth"
fi
if $GO list -deps . | grep -q '^github.com/ory/fosite'; then
  fail "fosite must not be linked into the default binary"
fi
for os in linux windows darwin; do
  CGO_ENABLED=0 GOOS=$os $GO build ./auth/... ./store/... ./ui/system/... ./ui/words/... ./ui/gateway/... ./ui/policy/... ||
    fail "auth, store, ui/system, ui/words, ui/gateway and ui/policy do not build for $os without cgo"
done
if git grep -n 'keyring\.DeleteAll(' -- '*.go'; then
  fail "no keyring.DeleteAll: on Windows it lists every credential, and under Wine that crashes when another process writes one (delete by name)"
fi
if [ -x testdata/checkdeps/sentences.sh ]; then
  testdata/checkdeps/sentences.sh || fail "auth and store say what happened; the sentences for people live in ui/words"
fi
echo "check-deps: ok"
