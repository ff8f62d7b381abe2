package instance

import (
	"errors"
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

// checkLeftover: nothing to see; a pipe goes away with its process.
func checkLeftover(t *testing.T, dir string) {}

// TestPipeOnlyForThisUser: the pipe's owner is the current user, its DACL
// is protected and has one ACE, allowing the current user; and a client
// cannot open it for reading (inbound only: it hands out nothing).
func TestPipeOnlyForThisUser(t *testing.T) {
	dir := t.TempDir()
	g := mustClaim(t, dir)
	name, sid, err := pipeName(dir)
	if err != nil {
		t.Fatal(err)
	}
	sd, err := windows.GetSecurityInfo(g.ep.pipe, windows.SE_KERNEL_OBJECT,
		windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		t.Fatalf("GetSecurityInfo: %v", err)
	}
	t.Logf("%s: %s", name, sd)
	if owner, _, err := sd.Owner(); err != nil || owner.String() != sid {
		t.Errorf("owner %v (%v), want %s", owner, err, sid)
	}
	control, _, err := sd.Control()
	if err != nil || control&windows.SE_DACL_PROTECTED == 0 {
		t.Errorf("DACL not protected: control %#x (%v)", control, err)
	}
	dacl, _, err := sd.DACL()
	if err != nil || dacl == nil {
		t.Fatalf("no DACL: %v", err)
	}
	if dacl.AceCount != 1 {
		t.Fatalf("%d ACEs, want 1", dacl.AceCount)
	}
	var ace *windows.ACCESS_ALLOWED_ACE
	if err := windows.GetAce(dacl, 0, &ace); err != nil {
		t.Fatal(err)
	}
	aceSID := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
	if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE || aceSID.String() != sid {
		t.Errorf("ACE type %d for %s, want allow for %s", ace.Header.AceType, aceSID, sid)
	}

	name16, _ := windows.UTF16PtrFromString(name)
	h, err := windows.CreateFile(name16, windows.GENERIC_READ, 0, nil, windows.OPEN_EXISTING, 0, 0)
	if err == nil {
		windows.CloseHandle(h)
		t.Fatal("the pipe opened for reading")
	}
}

// TestPipeOfAnotherUserIsNotTrusted: a pipe under our name that another
// user made first (owned by SYSTEM here, open to everyone) is neither
// joined nor sent anything; Claim says so. Making such a pipe needs a
// privilege real Windows gives only to services: there the test skips.
func TestPipeOfAnotherUserIsNotTrusted(t *testing.T) {
	dir := t.TempDir()
	name, _, err := pipeName(dir)
	if err != nil {
		t.Fatal(err)
	}
	sd, err := windows.SecurityDescriptorFromString("O:SYD:(A;;GA;;;WD)")
	if err != nil {
		t.Fatal(err)
	}
	sa := &windows.SecurityAttributes{SecurityDescriptor: sd}
	sa.Length = uint32(unsafe.Sizeof(*sa))
	name16, _ := windows.UTF16PtrFromString(name)
	squat, err := windows.CreateNamedPipe(name16, windows.PIPE_ACCESS_INBOUND|windows.FILE_FLAG_FIRST_PIPE_INSTANCE,
		windows.PIPE_TYPE_BYTE, 1, 0, 512, 0, sa)
	if err != nil {
		t.Skipf("cannot make a pipe owned by SYSTEM: %v", err)
	}
	defer windows.CloseHandle(squat)

	g, err := Claim(dir)
	if err == nil {
		g.Close()
		t.Fatal("claimed a name another user's pipe holds")
	}
	if !errors.Is(err, errNotOurs) {
		t.Fatalf("Claim: %v, want errNotOurs", err)
	}
	t.Log(err)
}
