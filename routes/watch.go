package routes

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// DefaultDebounce batches the burst of events one save makes (editors write a
// temp file, rename it over the old one, then chmod it) into one reload.
const DefaultDebounce = 100 * time.Millisecond

// Watch loads the route file now and after every change, calling fn with the
// validated file or the errors. It watches the directory, not the file, so
// rename-saves and Kubernetes ConfigMap symlink swaps are seen; a reload whose
// content is byte-identical to the last one is skipped. It returns when ctx
// ends, or with an error if the directory cannot be watched.
func Watch(ctx context.Context, path string, debounce time.Duration, fn func(*File, error)) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch %s: %w", path, err)
	}
	defer w.Close()
	if err := w.Add(filepath.Dir(path)); err != nil {
		return fmt.Errorf("watch %s: %w", path, err)
	}
	var last [sha256.Size]byte
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	waitedOnEmpty := false
	reload := func() {
		data, err := os.ReadFile(path)
		// A writer that truncates and then writes leaves the file empty for a
		// moment; look again once before reporting an empty file.
		if err == nil && len(data) == 0 && !waitedOnEmpty {
			waitedOnEmpty = true
			timer.Reset(debounce)
			return
		}
		waitedOnEmpty = false
		if err != nil {
			fn(nil, fmt.Errorf("read route file: %w", err))
			last = [sha256.Size]byte{}
			return
		}
		sum := sha256.Sum256(data)
		if sum == last {
			return
		}
		last = sum
		fn(Parse(path, data))
	}
	reload()
	for {
		select {
		case <-ctx.Done():
			return nil
		case _, ok := <-w.Events:
			if !ok {
				return nil
			}
			timer.Reset(debounce)
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			fn(nil, fmt.Errorf("watch %s: %w", path, err))
		case <-timer.C:
			reload()
		}
	}
}
