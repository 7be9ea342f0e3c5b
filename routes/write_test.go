package routes

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWriteFileReplacesInPlace: the content is replaced, the mode kept, and
// no temporary file is left beside it; a missing file is an error, not a
// new file (shift edits a file the control plane already watches).
func TestWriteFileReplacesInPlace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "routes.yaml")
	if err := os.WriteFile(path, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "new" {
		t.Fatalf("content %q (%v), want new", got, err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o640 {
		t.Fatalf("mode %v (%v), want 0640", info.Mode().Perm(), err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Fatalf("directory holds %d entries (%v), want only the route file", len(entries), err)
	}
	if err := WriteFile(filepath.Join(dir, "missing.yaml"), []byte("x")); err == nil {
		t.Fatal("writing a missing route file succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.yaml")); !os.IsNotExist(err) {
		t.Fatalf("a missing route file was created (%v)", err)
	}
}
