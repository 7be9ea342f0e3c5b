package controlplane

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strangler-dev/strangler/routes"
)

// bigRouteFile writes a 10,000-route YAML file over 50 backends, shaped like
// bigFile (sticky, fallback and preview mixed in), for the path a user runs:
// `strangler render FILE`.
func bigRouteFile(tb testing.TB) string {
	var b strings.Builder
	b.WriteString("version: 1\nlisten: 0.0.0.0:10000\nlegacy: magento\nbackends:\n")
	b.WriteString("  magento: {endpoints: [magento.internal:80], health_check: {path: /health_check.php}, timeout: 60s}\n")
	for i := range 50 {
		fmt.Fprintf(&b, "  svc-%d: {endpoints: [10.1.%d.1:8080], health_check: {path: /healthz}}\n", i, i)
	}
	b.WriteString("routes:\n")
	for i := range benchRoutes {
		fmt.Fprintf(&b, "  - name: route-%d\n    match: {prefix: /rest/V1/area-%d/, methods: [GET, HEAD]}\n    to: svc-%d\n    percent: %d.%02d\n",
			i, i, i%50, (i%10001)/100, (i%10001)%100)
		if i%4 == 0 {
			b.WriteString("    sticky: {cookie: PHPSESSID}\n")
		}
		if i%5 == 0 {
			b.WriteString("    fallback: true\n")
		}
		if i%3 == 0 {
			b.WriteString("    preview: {header: X-Strangler-Preview}\n")
		}
	}
	path := filepath.Join(tb.TempDir(), "routes.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// BenchmarkRenderFile10kRoutes: the whole `strangler render` path on a
// 10,000-route file, and its stages. Target (issue): < 300 ms and < 200 MB.
func BenchmarkRenderFile10kRoutes(b *testing.B) {
	path := bigRouteFile(b)
	f, err := routes.Load(path)
	if err != nil {
		b.Fatal(err)
	}
	res, err := Translate(f)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("load+validate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := routes.Load(path); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("translate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Translate(f); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Render(res); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("all", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f, err := routes.Load(path)
			if err != nil {
				b.Fatal(err)
			}
			res, err := Translate(f)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := Render(res); err != nil {
				b.Fatal(err)
			}
		}
	})
}
