# Tokentray — the two set-up commands are `make run` and `make test`.
# Both install the Debian packages they need when they are missing.

SHELL := /bin/bash
GO    ?= go
# bin/tokentray is the command (ui/cli/tokentray: the command line without
# Fyne or cgo, so that a script's call costs about a process start); it
# starts bin/tokentray-app, the desktop app (the module's main package, which
# has the command line too), when run without a subcommand.
BIN   := bin/tokentray
APP   := bin/tokentray-app
# The version comes from FyneApp.toml and is built into the binary
# (tokentray --version).
VERSION := $(shell sed -n 's/^Version = "\(.*\)"/\1/p' FyneApp.toml)
BUILD_NUMBER := $(shell sed -n 's/^Build = \([0-9]*\)/\1/p' FyneApp.toml)
LDFLAGS := -X github.com/tokentray/tokentray/ui/cli.Version=$(VERSION)
FYNE    := $(shell $(GO) env GOPATH)/bin/fyne
GOVULNCHECK := $(shell $(GO) env GOPATH)/bin/govulncheck
# bin/testsum reads go test -json: it prints each package's result, names a
# test binary that died (its exit status and the test it was in), checks
# the output for tokens (-scan) and sums the counts (-total).
TESTSUM := bin/testsum

# Fyne needs a C compiler and the X11/OpenGL headers to build; packaging
# needs xz (tar.xz), which a minimal Debian lacks.
BUILD_PKGS := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev \
              libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev xz-utils
# The tests need a virtual display, a private D-Bus session, a real Secret
# Service (gnome-keyring), and a real browser with a light window manager
# (Clio's approval page read from the window title), and ImageMagick for the
# app's screenshot; procps for pkill, which stops the private session's
# keyring daemon; a real tray, xfce4-panel (its Status Tray hosts the app's
# item), clicked with xdotool, its open menu read back with tesseract-ocr
# (about 10 s more to install, 10 MB); the desktop's light/dark setting set
# with gsettings (kept by dconf) and handed to the app by the real
# xdg-desktop-portal with its GTK backend.
TEST_PKGS  := xvfb xauth dbus dbus-bin gnome-keyring chromium openbox imagemagick xclip desktop-file-utils procps \
              xfce4-panel xdotool tesseract-ocr xdg-desktop-portal xdg-desktop-portal-gtk libglib2.0-bin dconf-gsettings-backend

.PHONY: screenshots run build package package-check install test faults bench fuzz vulncheck deps test-deps vet fmt-check check-deps clean \
        windows msi test-windows test-windows-skipped windows-deps windows-test-deps

# make run builds with the demo provider (a local test authorization server),
# so that the app can be tried with no account anywhere; make build is the
# release binary, without it.
run: deps
	$(GO) build -tags demo -ldflags "$(LDFLAGS)" -o bin/tokentray-demo .
	./bin/tokentray-demo

build: deps
	CGO_ENABLED=0 $(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./ui/cli/tokentray
	$(GO) build -tags release -ldflags "$(LDFLAGS)" -o $(APP) .

# Fyne's packaging tool, from the Go module proxy.
$(FYNE):
	$(GO) install fyne.io/tools/cmd/fyne@v1.7.4

# govulncheck, from the Go module proxy.
$(GOVULNCHECK):
	$(GO) install golang.org/x/vuln/cmd/govulncheck@v1.9.0

# make vulncheck (run by make test): govulncheck on the source tree and on
# the release binaries (-mode binary), against VULNDB if given, else the
# live Go vulnerability database, else the offline copy in
# ../shared/vulndb/osv; a finding fails, and so does having no database
# when VULNCHECK=required (CI). See testdata/vulncheck.sh.
VULNDB ?=
vulncheck: build $(GOVULNCHECK)
	@VULNDB="$(VULNDB)" VULNCHECK="$(VULNCHECK)" ./testdata/vulncheck.sh $(GOVULNCHECK) $(BIN) $(APP)

# make package: bin/Tokentray.tar.xz with the command and the desktop app,
# the icon and the .desktop file (from FyneApp.toml). Fyne's tool packs one
# program, the command (the menu entry runs it, and it starts the app); the
# app is added beside it, and to the install lines of the package's
# Makefile. On macOS and Windows the same tool makes
# a .app or an .exe (--os darwin / --os windows), but only on those systems:
# cross-building Fyne needs their C toolchains.
package: build $(FYNE)
	@cp FyneApp.toml bin/FyneApp.toml.orig # the tool counts builds in it; keep it unchanged
	$(FYNE) package --os linux --exe $(BIN) --release; rc=$$?; mv bin/FyneApp.toml.orig FyneApp.toml; exit $$rc
	@rm -rf bin/pkg && mkdir -p bin/pkg && tar xJf Tokentray.tar.xz -C bin/pkg && rm Tokentray.tar.xz
	install -m755 $(APP) bin/pkg/tokentray/usr/local/bin/tokentray-app
	sed -i -e '/usr\/local\/bin\/$$(Exec) /{p;s/$$(Exec)/$$(Exec)-app/g}' -e '/\/bin\/$$(Exec)$$/{p;s/$$/-app/}' bin/pkg/tokentray/Makefile
	tar cJf bin/Tokentray.tar.xz -C bin/pkg tokentray && rm -rf bin/pkg

# make package-check (run by make test): builds the package and checks what
# is inside: its Makefile installs both programs, each runs and says its
# version, the app is a release build (as the Windows exe is: test-windows),
# the desktop file validates, the icon is there.
package-check: package test-deps
	@rm -rf bin/package-check && mkdir -p bin/package-check && tar xJf bin/Tokentray.tar.xz -C bin/package-check
	@$(MAKE) -s -C bin/package-check/tokentray install DESTDIR=$(CURDIR)/bin/package-check/root PREFIX=/usr
	@for p in tokentray tokentray-app; do \
	  v=$$(bin/package-check/root/usr/bin/$$p --version 2>/dev/null); \
	  [ "$$v" = "tokentray $(VERSION)" ] || { echo "package-check: $$p --version says '$$v'"; exit 1; }; \
	done
	@$(call release_build,bin/package-check/root/usr/bin/tokentray-app)
	desktop-file-validate bin/package-check/tokentray/usr/local/share/applications/io.github.tokentray.desktop
	@test -s bin/package-check/tokentray/usr/local/share/pixmaps/io.github.tokentray.png
	@echo "package-check: ok (tokentray $(VERSION): the command and the app install and run, desktop file valid, icon present)"

# make install: for the current user, no root needed; .tokentray.json
# connection profiles open with Tokentray.
install: build
	install -Dm755 $(BIN) $(HOME)/.local/bin/tokentray
	install -Dm755 $(APP) $(HOME)/.local/bin/tokentray-app
	install -Dm644 assets/icon.png $(HOME)/.local/share/icons/hicolor/256x256/apps/io.github.tokentray.png
	mkdir -p $(HOME)/.local/share/applications
	printf '%s\n' '[Desktop Entry]' 'Type=Application' 'Name=Tokentray' \
	  'Comment=Keeps your OAuth tokens fresh' 'Exec=$(HOME)/.local/bin/tokentray %f' \
	  'Icon=io.github.tokentray' 'Categories=Utility;' 'Terminal=false' \
	  'MimeType=application/x-tokentray-profile;' \
	  > $(HOME)/.local/share/applications/io.github.tokentray.desktop
	install -Dm644 assets/tokentray-profile.xml $(HOME)/.local/share/mime/packages/tokentray-profile.xml
	-update-mime-database $(HOME)/.local/share/mime >/dev/null 2>&1
	-update-desktop-database $(HOME)/.local/share/applications >/dev/null 2>&1
	@echo "Installed Tokentray $(VERSION) in ~/.local (start it from your applications menu)."

# ---- Windows: cross-built here with mingw-w64, tested under Wine ----------
# make windows: bin/windows/Tokentray.exe, the same single program as on
# Linux (the desktop app; the command line when given arguments), GUI
# subsystem, with the icon, a manifest and the version resource from
# FyneApp.toml (testdata/windows/resources.sh, windres). fyne package
# --os windows would do the resources too, but it builds twice and drops
# the -X version stamp on its second build. Beside it, tokentray.com, its
# console twin (ui/cli/wincon): what cmd.exe and PowerShell run for
# `tokentray …`, so that the shell waits and sees the exit code. make msi:
# the per-user installer, bin/windows/Tokentray-VERSION.msi (wixl).
WIN_DIR := bin/windows
WIN_EXE := $(WIN_DIR)/Tokentray.exe
WIN_MSI := $(WIN_DIR)/Tokentray-$(VERSION).msi
WIN_CC  := x86_64-w64-mingw32-gcc
WIN_BUILD_PKGS := gcc-mingw-w64-x86-64 wixl msitools imagemagick
WIN_TEST_PKGS  := wine wine64 xvfb xauth xdotool curl imagemagick dbus dbus-bin gnome-keyring

windows-deps:
	$(call ensure_pkgs,$(WIN_BUILD_PKGS))

windows-test-deps: windows-deps
	$(call ensure_pkgs,$(WIN_TEST_PKGS))

# go build decides what is out of date (seconds when nothing is).
windows: windows-deps
	@mkdir -p $(WIN_DIR)
	@echo "Building $(WIN_EXE) (about 7 minutes the first time on 2 cores, seconds after)"
	./testdata/windows/resources.sh $(VERSION) $(BUILD_NUMBER) tokentray_windows_amd64.syso
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=$(WIN_CC) $(GO) build -trimpath -tags release \
	  -ldflags "-H=windowsgui -s -w $(LDFLAGS)" -o $(WIN_EXE) .; rc=$$?; rm -f tokentray_windows_amd64.syso; exit $$rc
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $(GO) build -trimpath -ldflags "-s -w" -o $(WIN_DIR)/tokentray.com ./ui/cli/wincon

msi: windows
	./testdata/windows/msi.sh $(VERSION) $(WIN_EXE) $(WIN_MSI)
	rm -rf $(WIN_DIR)/policy && mkdir -p $(WIN_DIR)/policy && cp -R assets/windows/policy/. $(WIN_DIR)/policy/

# make test-windows (run by make test): in a private Wine prefix kept in
# bin/windows/wine (made once, with a test-only shim for Wine 8), under the
# private test session's Xvfb:
#  1. go test of every package that does not link Fyne's driver, built for
#     Windows and run by Wine (testdata/windows/gotest.sh: every binary
#     built first, then one Wine session set up alone and kept for the whole
#     run); tests of Linux-only machinery skip saying why;
#  2. the exe end to end (testdata/windows/e2e.sh): command line connect →
#     token → disconnect against the test server, the desktop window with a
#     screenshot, the tray icon, single instance, and a scan of the prefix
#     for tokens in plain text;
#  3. managed settings written with reg add, seen by the command line and
#     the window (testdata/windows/policy-e2e.sh);
#  4. the MSI installed, started and uninstalled (testdata/windows/msi-test.sh).
WIN_TEST_PKGS_GO := ./auth/ ./auth/claude/ ./auth/keeper/ ./auth/title/ ./store/... ./ui/cli/ ./ui/accounts/ ./ui/instance/ ./ui/policy/ ./ui/system/
test-windows: windows msi windows-test-deps test-deps $(TESTSUM)
	@$(call release_build,$(WIN_EXE))
	@./testdata/windows/prefix.sh $(WIN_DIR)/wine
	@./testdata/windows/overlay.sh $(WIN_DIR)/overlay
	@set -o pipefail; start=$$(date +%s); secrets=$(CURDIR)/$(WIN_DIR)/test-secrets; rm -f "$$secrets"; \
	WINEPREFIX=$(CURDIR)/$(WIN_DIR)/wine TOKENTRAY_TEST_SECRETS="$$(WINEPREFIX=$(CURDIR)/$(WIN_DIR)/wine winepath -w "$$secrets" 2>/dev/null)" \
	  ./testdata/session.sh env CGO_ENABLED=0 GOOS=windows \
	  ./testdata/windows/gotest.sh $(CURDIR)/$(WIN_DIR)/overlay/overlay.json $(WIN_TEST_PKGS_GO) 2>&1 | tee $(WIN_DIR)/test.json | \
	  $(TESTSUM) -label windows -o $(WIN_DIR)/test.out; rc=$$?; \
	if [ $$rc -ne 0 ]; then tail -n 60 $(WIN_DIR)/test.out; fi; \
	echo "windows go test under Wine took $$(( $$(date +%s) - start )) s"; \
	$(TESTSUM) -scan "$$secrets" $(WIN_DIR)/test.out || rc=1; \
	rm -f "$$secrets"; exit $$rc
	@WINEPREFIX=$(CURDIR)/$(WIN_DIR)/wine VERSION=$(VERSION) ./testdata/session.sh ./testdata/windows/e2e.sh $(WIN_EXE)
	@WINEPREFIX=$(CURDIR)/$(WIN_DIR)/wine ./testdata/session.sh ./testdata/windows/policy-e2e.sh $(WIN_EXE)
	@rm -rf $(WIN_DIR)/wine-msi && cp -a $(WIN_DIR)/wine $(WIN_DIR)/wine-msi && \
	./testdata/windows/msi.sh 0.0.9 $(WIN_EXE) $(WIN_DIR)/Tokentray-0.0.9.msi >/dev/null && \
	WINEPREFIX=$(CURDIR)/$(WIN_DIR)/wine-msi ./testdata/windows/msi-test.sh $(WIN_MSI) $(VERSION) $(WIN_DIR)/Tokentray-0.0.9.msi; rc=$$?; \
	rm -rf $(WIN_DIR)/wine-msi; exit $$rc

test-windows-skipped:
	@echo "test-windows: SKIPPED (WINDOWS=skip was given; CI runs it)"

# ensure_pkgs installs the named Debian packages that are not installed yet,
# saying which, with apt-get (sudo when not root).
define ensure_pkgs
	@if ! command -v dpkg-query >/dev/null; then \
	  echo "Not a Debian-like system: make sure these are installed: $(1)"; exit 0; fi; \
	missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  echo "Installing missing system packages:$$missing"; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

# release_build fails unless the program was built with Fyne's release tag.
define release_build
$(GO) version -m $(1) | grep -qE '^\s+build\s+-tags=release$$' || { echo "$(1) was not built with -tags release"; exit 1; }
endef

deps:
	$(call ensure_pkgs,$(BUILD_PKGS))

# The tests (and Windows programs under Wine, which resolve names through
# the system) need "localhost" to resolve, as every installed Debian has it
# in /etc/hosts; a bare root (debootstrap) has no /etc/hosts: make one.
test-deps: deps
	$(call ensure_pkgs,$(TEST_PKGS))
	@if ! getent hosts localhost >/dev/null; then \
	  if [ ! -e /etc/hosts ] && [ "$$(id -u)" = 0 ]; then \
	    printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >/etc/hosts; \
	    echo "make: this system had no /etc/hosts, so localhost did not resolve; wrote Debian's default one"; \
	  else echo "make: localhost does not resolve here: add '127.0.0.1 localhost' to /etc/hosts"; exit 1; fi; \
	fi

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet: deps
	$(GO) vet ./...

# The architecture's rules (design.md): no package of the app outside auth
# and store imports the OAuth client (golang.org/x/oauth2); auth, store,
# ui/accounts, ui/system and ui/cli never import Fyne (so the tokentray
# command, ui/cli/tokentray, links none of it), nor does ui/gateway (the
# local gateway, also served by tokentray gateway run); auth never imports ui/system (OS integration stays out of the
# OAuth domain); authtest never imports auth; fosite stays out of the release
# binary; auth, store and ui/system build without cgo for Windows and macOS.
check-deps:
	@if $(GO) list -deps ./auth/... ./store/... ./ui/accounts/... ./ui/system/... ./ui/cli/... ./ui/words/... ./ui/gateway/... ./ui/policy/... | grep -q '^fyne.io/'; then \
	  echo "check-deps: auth, store, ui/accounts, ui/system, ui/words, ui/gateway, ui/policy and ui/cli (the tokentray command among them) must not import Fyne"; exit 1; fi
	@if $(GO) list -deps ./auth/... | grep -q '^github.com/tokentray/tokentray/ui/'; then \
	  echo "check-deps: auth must not import ui/* (the OS integration is ui/system's)"; exit 1; fi
	@if $(GO) list -f '{{.ImportPath}}: {{join .Imports " "}} {{join .TestImports " "}} {{join .XTestImports " "}}' . ./ui/... | grep 'golang.org/x/oauth2'; then \
	  echo "check-deps: the packages above import golang.org/x/oauth2: OAuth belongs in auth (use auth.Token)"; exit 1; fi
	@if $(GO) list -deps ./auth/authtest | grep -qx 'github.com/tokentray/tokentray/auth'; then \
	  echo "check-deps: auth/authtest must not import auth"; exit 1; fi
	@if $(GO) list -deps . | grep -q '^github.com/ory/fosite'; then \
	  echo "check-deps: fosite must not be linked into the default binary"; exit 1; fi
	@for os in linux windows darwin; do \
	  CGO_ENABLED=0 GOOS=$$os $(GO) build ./auth/... ./store/... ./ui/system/... ./ui/words/... ./ui/gateway/... ./ui/policy/... || { echo "check-deps: auth/store/ui/system/ui/words/ui/gateway do not build for $$os without cgo"; exit 1; }; \
	done
	@if git grep -n 'keyring\.DeleteAll(' -- '*.go'; then \
	  echo "check-deps: no keyring.DeleteAll: on Windows it lists every credential, and under Wine that crashes when another process writes one (delete by name)"; exit 1; fi
	@echo "check-deps: ok"

# Tests run inside testdata/session.sh (private D-Bus, unlocked
# gnome-keyring, Xvfb, temporary HOME). Every token a test handles is written
# to a list (storetest.Secret); afterwards the whole test output is searched
# for each of them: none may appear (an empty list fails: a scan with nothing
# to look for proves nothing). The tests run through go test -json and
# bin/testsum, so that a test binary that dies is a failure named with its
# exit status and test. The end-to-end tests leave the README's screenshots
# in bin/screenshots; make screenshots copies them into assets/.
# WINDOWS=skip leaves the Windows part out (and says so; the Linux test of
# the console under Wine skips with TOKENTRAY_SKIP_WINE=1); CI runs it.
WINDOWS ?= run
TEST_WINDOWS := $(if $(filter skip,$(WINDOWS)),test-windows-skipped,test-windows)
test: test-deps fmt-check vet check-deps vulncheck package-check $(TEST_WINDOWS) $(TESTSUM)
	@$(GO) test -count=1 ./testdata/testsum/
	@mkdir -p bin/screenshots; work=$$(mktemp -d); trap 'rm -rf "$$work"' EXIT; set -o pipefail; \
	TOKENTRAY_TEST_SECRETS="$$work/secrets" TOKENTRAY_SCREENSHOTS=$(CURDIR)/bin/screenshots $(if $(filter skip,$(WINDOWS)),TOKENTRAY_SKIP_WINE=1,WINEPREFIX=$(CURDIR)/$(WIN_DIR)/wine) ./testdata/session.sh \
	  $(GO) test -json -race -count=1 -timeout 20m -exec $(CURDIR)/testdata/exec.sh ./... 2>&1 | tee bin/test.json | \
	  $(TESTSUM) -label linux -o bin/test.out; rc=$$?; \
	sed -n '/^FAULT MATRIX$$/,/^fault matrix:/p' bin/test.out; \
	if [ $$rc -ne 0 ]; then tail -n 80 bin/test.out; fi; \
	$(TESTSUM) -scan "$$work/secrets" bin/test.out || rc=1; \
	echo "screenshots: in bin/screenshots (make screenshots copies them into assets/ for the README)"; \
	$(TESTSUM) -total bin/test.json $(if $(filter skip,$(WINDOWS)),,$(WIN_DIR)/test.json) || rc=1; \
	exit $$rc

.PHONY: $(TESTSUM)
$(TESTSUM):
	@$(GO) build -o $@ ./testdata/testsum

# make screenshots: the README's pictures, as the last make test took them
# (bin/screenshots, and the Windows window from its end-to-end test), copied
# into assets/. make test never writes into the source tree.
screenshots:
	@ls bin/screenshots/*.png >/dev/null 2>&1 || { echo "screenshots: none in bin/screenshots; run make test first"; exit 1; }
	cp bin/screenshots/*.png assets/screenshots/
	@if [ -f $(WIN_DIR)/screenshot.png ]; then cp $(WIN_DIR)/screenshot.png assets/screenshot-windows.png; echo "cp $(WIN_DIR)/screenshot.png assets/screenshot-windows.png"; fi

# make faults: the fault matrix alone (make test runs it too). Each row is a
# test (auth/keeper, TestFault…): network faults through a proxy in front of
# the test authorization server, SIGKILL, a dead or locked keyring, a full
# disk, damaged metadata, clock jumps, a busy port.
faults: test-deps
	./testdata/session.sh $(GO) test -race -count=1 -run '^TestFault' -v ./auth/keeper/ | \
	  grep -vE '^(=== |\s+--- PASS|--- PASS)'; exit $${PIPESTATUS[0]}

# make bench: every benchmark, several runs each, in the private session
# (real keyring, local authorization server, Xvfb), then BENCHMARKS.md is
# rewritten with the medians (testdata/benchreport). Raw output: bin/bench/.
# About 10 minutes on 2 cores.
bench: test-deps
	@mkdir -p bin/bench && rm -f bin/bench/go.txt bin/bench/idle.txt && start=$$(date +%s); \
	set -o pipefail; \
	./testdata/session.sh $(GO) test -run '^$$' -bench KeeperScale -benchtime=1x -count=3 -timeout 45m ./auth/keeper/ | tee -a bin/bench/go.txt && \
	./testdata/session.sh $(GO) test -run '^$$' -bench ConnectFlow -benchtime=20x -count=5 ./ui/accounts/ | tee -a bin/bench/go.txt && \
	./testdata/session.sh $(GO) test -run '^$$' -bench TokenVsProcessStart -benchtime=1x -count=5 -timeout 20m ./ui/cli/ | tee -a bin/bench/go.txt && \
	./testdata/session.sh $(GO) test -run '^$$' -bench GatewayLatency -benchtime=2000x -count=5 ./ui/gateway/ | tee -a bin/bench/go.txt && \
	./testdata/session.sh $(GO) test -run '^$$' -bench GatewayStream200MB -benchtime=1x -count=5 ./ui/gateway/ | tee -a bin/bench/go.txt && \
	for i in 1 2 3; do ./testdata/session.sh ./testdata/idle-bench.sh 30 | tee -a bin/bench/idle.txt || exit 1; done && \
	$(GO) run ./testdata/benchreport -go bin/bench/go.txt -idle bin/bench/idle.txt -o BENCHMARKS.md \
	  -wall "$$(( ($$(date +%s) - start) / 60 )) min $$(( ($$(date +%s) - start) % 60 )) s"

# Fuzz every fuzz target of every package for a bounded time (FUZZTIME
# each): the parsers of outside input (loopback callback, approval
# title/URL/paste, token responses in both dialects, discovery documents,
# identity answers, imported credentials, connection profiles, the metadata
# file). New failing inputs land in the package's testdata/fuzz: commit them
# with the fix.
FUZZTIME ?= 30s
fuzz: deps
	@set -o pipefail; for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "fuzzing $$pkg $$target for $(FUZZTIME)"; \
	    $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg 2>&1 | tail -n 3 || exit 1; \
	  done; \
	done

clean:
	rm -rf bin
