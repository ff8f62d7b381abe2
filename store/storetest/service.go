package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// servicePrefix starts every keyring service name a test uses.
const servicePrefix = "tokentray-test-"

// maxService bounds a service name: a long test name is cut and given a
// hash of the whole, so that names stay short and still differ.
const maxService = 100

// Service is the keyring service name of test t, its own among every
// package's tests: "tokentray-test-PKG.TEST", PKG the test binary's name
// (go test names it PKG.test, so a child process the test starts with
// os.Args[0] gets the same), TEST t.Name(); any character but a letter, a
// digit, '.', '_' or '-' becomes '-'. The name is the same at every call
// and in every run, valid as a Secret Service attribute and in a Windows
// Credential Manager target name. Two packages thus never share (or race
// on) one sealing key, even with tests of the same name.
func Service(t testing.TB) string {
	return serviceName(testBinary(), t.Name())
}

// PackageService is the keyring service name of the running test
// package, for the programs its tests run (given to them in
// accounts.KeyringServiceEnv) and the stores those tests open on the same
// folders: "tokentray-test-PKG", PKG as in Service. It differs from every
// other package's and, having no ".TEST", from every test's Service.
func PackageService() string {
	return safeName(servicePrefix + testBinary())
}

// serviceName is Service's name for test test of package pkg.
func serviceName(pkg, test string) string {
	return safeName(servicePrefix + pkg + "." + test)
}

// safeName is s with any character but a letter, a digit, '.', '_' or '-'
// made '-', cut to maxService characters (with a hash of the whole) if
// longer.
func safeName(s string) string {
	name := []byte(s)
	for i, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			name[i] = '-'
		}
	}
	if len(name) <= maxService {
		return string(name)
	}
	sum := sha256.Sum256(name)
	return string(name[:maxService-11]) + "-" + hex.EncodeToString(sum[:5])
}

// testBinary is the running test binary's package name: its file name
// without ".test" (and ".exe" on Windows); "pkg" if that leaves nothing.
func testBinary() string {
	name := strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe")
	if name = strings.TrimSuffix(name, ".test"); name == "" || name == "." {
		return "pkg"
	}
	return name
}
