//go:build !windows

package system

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// On Linux and macOS the setting is one file (autostartFile, per OS).

func autostartEnabled() (bool, error) {
	path, err := autostartFile()
	if err != nil {
		return false, err
	}
	_, err = os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

func autostartDisable() error {
	path, err := autostartFile()
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	return nil
}
