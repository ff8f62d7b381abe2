package storetest

import (
	"strings"
	"testing"
)

// TestServiceName: a name names its package and test, differs between
// packages with a test of the same name, keeps to safe characters, and is
// cut to a bounded length that still tells long names apart.
func TestServiceName(t *testing.T) {
	if got := serviceName("keeper", "TestConcurrentEnsureFresh"); got != "tokentray-test-keeper.TestConcurrentEnsureFresh" {
		t.Errorf("serviceName = %q", got)
	}
	if serviceName("auth", "TestX") == serviceName("keeper", "TestX") {
		t.Error("two packages share a service name")
	}
	if got := serviceName("store", "TestA/sub test:1"); got != "tokentray-test-store.TestA-sub-test-1" {
		t.Errorf("serviceName = %q, want only letters, digits, '.', '_', '-'", got)
	}
	long1, long2 := serviceName("store", "Test"+strings.Repeat("x", 200)+"1"), serviceName("store", "Test"+strings.Repeat("x", 200)+"2")
	if len(long1) != maxService || len(long2) != maxService || long1 == long2 {
		t.Errorf("long names: %q (%d), %q (%d): want %d characters each, different", long1, len(long1), long2, len(long2), maxService)
	}
	if got := Service(t); got != "tokentray-test-storetest.TestServiceName" {
		t.Errorf("Service = %q (os.Args[0] names the test binary)", got)
	}
	if got := PackageService(); got != "tokentray-test-storetest" {
		t.Errorf("PackageService = %q (os.Args[0] names the test binary)", got)
	}
}
