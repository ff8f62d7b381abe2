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

.PHONY: screenshots run build package package-check install test unit faults bench fuzz vulncheck deps test-deps vet fmt-check check-deps clean \
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

# make package: bin/Tokentray.tar.xz, the command and the desktop app with
# the icon and the .desktop file (testdata/package.sh).
package: build $(FYNE)
	./testdata/package.sh $(FYNE) $(BIN) $(APP)

# make package-check (run by make test): the package's Makefile installs
# both programs, each runs and says its version, the app is a release build,
# the desktop file validates, the icon is there (testdata/package-check.sh).
package-check: package test-deps
	@GO=$(GO) ./testdata/package-check.sh $(VERSION)

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
# make windows: bin/windows/Tokentray.exe, the desktop app (which is also
# the command line when given arguments, as bin/tokentray-app is), GUI
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

# make test-windows (run by make test): the Windows build under Wine: go
# test of the packages that do not link Fyne's driver, the exe end to end,
# managed settings, the MSI (testdata/windows/test.sh says each step).
test-windows: windows msi windows-test-deps test-deps $(TESTSUM)
	@GO=$(GO) ./testdata/windows/test.sh $(VERSION)

test-windows-skipped:
	@echo "test-windows: SKIPPED (WINDOWS=skip was given; CI runs it)"

# ensure_pkgs installs the named Debian packages that are not installed yet
# (testdata/ensure-pkgs.sh).
ensure_pkgs = @./testdata/ensure-pkgs.sh $(1)

deps:
	$(call ensure_pkgs,$(BUILD_PKGS))

# test-deps: the test packages, and a "localhost" that resolves
# (testdata/hosts.sh: a bare debootstrap root has no /etc/hosts).
test-deps: deps
	$(call ensure_pkgs,$(TEST_PKGS))
	@./testdata/hosts.sh

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet: deps
	$(GO) vet ./...

# make check-deps (run by make test): the architecture's rules — which
# packages may import Fyne, the OAuth client or ui/*, what builds without
# cgo for each OS, no sentences for people in auth or store — each a check in
# testdata/checkdeps/checkdeps.sh that says which rule broke and why.
check-deps:
	@GO=$(GO) ./testdata/checkdeps/checkdeps.sh

# make test: everything the tests need, then every test: the checks above,
# the package, the Windows part (WINDOWS=skip leaves it out, and says so;
# CI runs it), then every Go test with the race detector in the private
# session (testdata/test.sh: private D-Bus, unlocked gnome-keyring, Xvfb;
# dead test binaries named, tokens searched for in the output, screenshots
# left in bin/screenshots).
WINDOWS ?= run
TEST_WINDOWS := $(if $(filter skip,$(WINDOWS)),test-windows-skipped,test-windows)
test: test-deps fmt-check vet check-deps vulncheck package-check $(TEST_WINDOWS) $(TESTSUM)
	@GO=$(GO) WINDOWS=$(WINDOWS) ./testdata/test.sh

# make unit: the tests that need no private session, display or Wine, in
# about a minute, for a quick check while changing code (make test runs
# everything; tests that need the session skip here and say so).
unit: deps
	TOKENTRAY_SKIP_SESSION=1 TOKENTRAY_SKIP_WINE=1 $(GO) test -short -count=1 ./...

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

# make bench: every benchmark, several runs each, in the private session,
# then BENCHMARKS.md rewritten with the medians (testdata/bench.sh). About
# 10 minutes on 2 cores.
bench: test-deps
	@GO=$(GO) ./testdata/bench.sh

# make fuzz: every fuzz target of every package for FUZZTIME each
# (testdata/fuzz.sh).
FUZZTIME ?= 30s
fuzz: deps
	@GO=$(GO) ./testdata/fuzz.sh $(FUZZTIME)

clean:
	rm -rf bin
