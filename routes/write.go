package routes

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteFile replaces the route file at path in one rename, keeping its
// mode, so a watcher (Watch) never reads a half-written file. The temporary
// file sits beside it: a rename is only atomic within one file system.
func WriteFile(path string, data []byte) error {
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("route file: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("route file %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // after the rename there is nothing left to remove
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(info.Mode().Perm())
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("route file %s: %w", path, err)
	}
	return nil
}
