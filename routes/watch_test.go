package routes

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type result struct {
	f   *File
	err error
}

func watchFile(t *testing.T, content string) (string, <-chan result) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "routes.yaml")
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	ctx, cancel := context.WithCancel(context.Background())
	results := make(chan result, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		assert.NoError(t, Watch(ctx, path, DefaultDebounce, func(f *File, err error) { results <- result{f, err} }))
	}()
	t.Cleanup(func() { cancel(); <-done })
	return path, results
}

func next(t *testing.T, ch <-chan result) result {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("no reload within 5s")
		return result{}
	}
}

func TestWatchReloadsOnRenameSave(t *testing.T) {
	src := base + "  - {name: a, match: {prefix: /a}, to: catalog, percent: 10}\n"
	path, results := watchFile(t, src)
	first := next(t, results)
	require.NoError(t, first.err)
	assert.Equal(t, Percent(1000), first.f.Routes[0].Percent)

	// An editor's save: write a temp file, rename it over the original.
	tmp := path + ".swp"
	require.NoError(t, os.WriteFile(tmp, []byte(strings.Replace(src, "percent: 10", "percent: 50", 1)), 0o644))
	require.NoError(t, os.Rename(tmp, path))
	r := next(t, results)
	require.NoError(t, r.err)
	assert.Equal(t, Percent(5000), r.f.Routes[0].Percent)

	// A broken save is reported, not swallowed.
	require.NoError(t, os.WriteFile(tmp, []byte(strings.Replace(src, "percent: 10", "percent: 500", 1)), 0o644))
	require.NoError(t, os.Rename(tmp, path))
	r = next(t, results)
	assert.Nil(t, r.f)
	assert.ErrorContains(t, r.err, "percent: 500 is out of range 0..100")
}

func TestWatchSkipsIdenticalContent(t *testing.T) {
	src := base + "  - {name: a, match: {prefix: /a}, to: catalog}\n"
	path, results := watchFile(t, src)
	next(t, results)
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644)) // touch, same bytes
	time.Sleep(3 * DefaultDebounce)                            // the touch is seen and skipped
	tmp := path + ".swp"
	require.NoError(t, os.WriteFile(tmp, []byte(src+"# comment\n"), 0o644))
	require.NoError(t, os.Rename(tmp, path))
	r := next(t, results)
	require.NoError(t, r.err)
	select {
	case extra := <-results:
		t.Fatalf("unexpected reload: %+v", extra)
	case <-time.After(200 * time.Millisecond):
	}
}
