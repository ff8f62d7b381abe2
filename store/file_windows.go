//go:build windows

package store

import (
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// dirName is the store's folder under os.UserConfigDir() (%AppData%).
const dirName = "Tokentray"

// restrictDir gives dir a protected access list that grants the current
// user full control and nobody else anything, inherited by everything
// created inside: Windows' counterpart of mode 0700.
func restrictDir(dir string) error { return setPrivate(dir, true) }

// restrictFile gives f the same list (mode 0600): set explicitly rather
// than left to inheritance, which not every file system applies.
func restrictFile(f *os.File) error { return setPrivate(f.Name(), false) }

// privateDescriptor is the security descriptor, in SDDL, that makes a file
// or folder the current user's alone: a protected DACL with one entry, full
// access for the user (inherited by a folder's contents).
func privateDescriptor(dir bool) (string, error) {
	sid, err := userSID()
	if err != nil {
		return "", err
	}
	inherit := ""
	if dir {
		inherit = "OICI"
	}
	return "D:P(A;" + inherit + ";FA;;;" + sid.String() + ")", nil
}

func setPrivate(path string, dir bool) error {
	sddl, err := privateDescriptor(dir)
	if err != nil {
		return err
	}
	sd, err := windows.SecurityDescriptorFromString(sddl)
	if err != nil {
		return fmt.Errorf("access list: %w", err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return fmt.Errorf("access list: %w", err)
	}
	err = windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil)
	if err != nil {
		return fmt.Errorf("set access list of %s: %w", path, err)
	}
	return nil
}

// userSID is the SID of the user this process runs as.
func userSID() (*windows.SID, error) {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil, fmt.Errorf("current user: %w", err)
	}
	return u.User.Sid, nil
}

// On Windows an open file cannot be renamed over unless every handle on it
// allows FILE_SHARE_DELETE, and a file being replaced cannot be opened for
// a moment. Readers here share delete; for the handles of other programs
// (antivirus, backup, search indexing) both sides retry for a bounded time.
const shareRetry = 2 * time.Second

// openShared opens path for reading, letting writers rename over it
// meanwhile.
func openShared(path string) (*os.File, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	var h windows.Handle
	err = retrySharing(func() error {
		h, err = windows.CreateFile(p, windows.GENERIC_READ,
			windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
			nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
		return err
	})
	if err != nil {
		if errors.Is(err, windows.ERROR_FILE_NOT_FOUND) || errors.Is(err, windows.ERROR_PATH_NOT_FOUND) {
			err = os.ErrNotExist
		}
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}

// replaceFile renames tmp over path (MoveFileEx with MOVEFILE_REPLACE_EXISTING).
func replaceFile(tmp, path string) error {
	return retrySharing(func() error { return os.Rename(tmp, path) })
}

// retrySharing calls fn again while it fails because another handle is in
// the way, for at most shareRetry.
func retrySharing(fn func() error) error {
	deadline := time.Now().Add(shareRetry)
	wait := time.Millisecond
	for {
		err := fn()
		if err == nil || !(errors.Is(err, windows.ERROR_SHARING_VIOLATION) || errors.Is(err, windows.ERROR_ACCESS_DENIED) ||
			errors.Is(err, windows.ERROR_LOCK_VIOLATION)) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(wait) // backoff between attempts, not synchronisation
		wait = min(2*wait, 50*time.Millisecond)
	}
}

// syncDir does nothing: NTFS journals the rename, and Windows cannot
// flush a directory handle.
func syncDir(string) {}
