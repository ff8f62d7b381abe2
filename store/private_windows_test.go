//go:build windows

package store_test

import (
	"path/filepath"
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/tokentray/tokentray/store"
)

// underWine reports whether this runs under Wine (its ntdll exports
// wine_get_version).
func underWine() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}

// checkPrivate fails unless path's access list grants the current user,
// and nobody else, access: Windows' counterpart of 0700 and 0600. A folder
// must not inherit its parent's entries (a protected list).
//
// Wine 8 keeps no access list on a file: it derives one from the Unix mode
// and drops what is set. Under Wine the check reads the list Tokentray
// applies (store.PrivateDescriptor) instead, and says so.
func checkPrivate(t *testing.T, path string, dir bool) {
	t.Helper()
	var sd *windows.SECURITY_DESCRIPTOR
	var err error
	if underWine() {
		t.Logf("under Wine, which keeps no file access lists: checking the list applied to %s instead of the one read back", filepath.Base(path))
		sddl, err := store.PrivateDescriptor(dir)
		if err != nil {
			t.Fatal(err)
		}
		sd, err = windows.SecurityDescriptorFromString(sddl)
		if err != nil {
			t.Fatal(err)
		}
	} else if sd, err = windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION); err != nil {
		t.Fatalf("%s: read access list: %v", path, err)
	}
	control, _, err := sd.Control()
	if err != nil {
		t.Fatal(err)
	}
	if dir && control&windows.SE_DACL_PROTECTED == 0 {
		t.Errorf("%s: access list inherits from the parent folder", path)
	}
	dacl, _, err := sd.DACL()
	if err != nil || dacl == nil {
		t.Fatalf("%s: no access list (everyone may read it): %v", path, err)
	}
	tok, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		t.Fatal(err)
	}
	if dacl.AceCount == 0 {
		t.Errorf("%s: empty access list", path)
	}
	for i := range uint32(dacl.AceCount) {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			t.Fatal(err)
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
		if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE || !sid.Equals(tok.User.Sid) {
			t.Errorf("%s: access list entry %d (type %d) for %s, want only %s", path, i, ace.Header.AceType, sid, tok.User.Sid)
		}
	}
}
