package console_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// Browser tests drive Debian's Chromium. Without it they skip, unless the
// variable says the browser is required (CI installs it and sets it).
const (
	chromiumPath = "/usr/bin/chromium"
	browserEnv   = "STRANGLER_TEST_BROWSER"
)

type browser struct {
	t      *testing.T
	ctx    context.Context
	origin string
	shots  string

	mu         sync.Mutex
	exceptions []string
}

// requireBrowser skips the test without Chromium, or fails it when the
// environment says the browser is required.
func requireBrowser(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv(browserEnv) == "required" {
			t.Fatalf("%s is missing and %s=required: %v", chromiumPath, browserEnv, err)
		}
		t.Skipf("skipping browser test: %s is missing (apt-get install -y chromium; set %s=required to fail instead)", chromiumPath, browserEnv)
	}
}

func newBrowser(t *testing.T, origin string) *browser {
	t.Helper()
	requireBrowser(t)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1366, 768))
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	b := &browser{t: t, ctx: ctx, origin: origin, shots: screenshotDir(t)}
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(1366, 768)))
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.IsException() {
				b.mu.Lock()
				b.exceptions = append(b.exceptions, fmt.Sprintf("%s (%s:%d)", m.Text, m.URL, m.Line))
				b.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, e := range b.exceptions {
			t.Errorf("uncaught exception in the page: %s", e)
		}
	})
	return b
}

// screenshotDir is artifacts/screenshots at the repository root.
func screenshotDir(t *testing.T) string {
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, dir, parent, "no go.mod above the test")
		dir = parent
	}
	out := filepath.Join(dir, "artifacts", "screenshots")
	require.NoError(t, os.MkdirAll(out, 0o755))
	return out
}

// open loads a console page and waits for its first poll to have landed.
func (b *browser) open(path string) {
	b.t.Helper()
	require.NoError(b.t, chromedp.Do(b.ctx, chromedp.Navigate(b.origin+path)))
	b.wait(`document.body.dataset.updated`, "the first poll of "+path)
}

// wait polls a JavaScript predicate in the page. A navigation ends the
// poll with an error, so a wait also proves the page did not reload.
func (b *browser) wait(expr, what string) {
	b.t.Helper()
	_, err := chromedp.Run(b.ctx, chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		b.shot("failed-" + strings.NewReplacer(" ", "-", "/", "-").Replace(what))
		b.t.Fatalf("waiting for %s: %v", what, err)
	}
}

func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	require.NoError(b.t, err, expr)
	return v
}

func (b *browser) text(css string) string {
	b.t.Helper()
	return eval[string](b, fmt.Sprintf(`(document.querySelector(%q) || {innerText: ''}).innerText`, css))
}

func (b *browser) click(css string) {
	b.t.Helper()
	require.NoError(b.t, chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(css))), css)
}

func (b *browser) typeInto(css, text string) {
	b.t.Helper()
	eval[bool](b, fmt.Sprintf(`(document.querySelector(%q).value = '') === ''`, css)) // what the user had typed goes
	require.NoError(b.t, chromedp.Do(b.ctx, chromedp.SendKeys(chromedp.CSS(css), text)), css)
}

// confirm answers the open confirmation dialog.
func (b *browser) confirm(who, why string) {
	b.t.Helper()
	b.wait(`document.getElementById('confirm').open`, "the confirmation dialog")
	if who != "" {
		b.typeInto("#confirm-who", who)
	}
	if why != "" {
		b.typeInto("#confirm-why", why)
	}
	b.click("#confirm-ok")
	b.wait(`!document.getElementById('confirm').open`, "the dialog to close")
}

// shot writes the viewport (what a 1366x768 laptop shows) and the whole page.
func (b *browser) shot(name string) {
	b.t.Helper()
	for suffix, action := range map[string]chromedp.Action[[]byte]{"": chromedp.CaptureScreenshot(), "-full": chromedp.FullScreenshot(100)} {
		png, err := chromedp.Run(b.ctx, action)
		if err != nil {
			b.t.Errorf("screenshot %s: %v", name, err)
			continue
		}
		if err := os.WriteFile(filepath.Join(b.shots, name+suffix+".png"), png, 0o644); err != nil {
			b.t.Errorf("screenshot %s: %v", name, err)
		}
	}
}
