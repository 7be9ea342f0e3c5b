package controlplane

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/routes"
)

var update = flag.Bool("update", false, "rewrite controlplane/testdata/*.golden.json from the current translation")

// goldenCases are testdata/<name>.yaml route files, plus the example file the
// project ships.
var goldenCases = map[string]string{
	"minimal":             "testdata/minimal.yaml",
	"split":               "testdata/split.yaml",
	"sticky-cookie":       "testdata/sticky-cookie.yaml",
	"sticky-header":       "testdata/sticky-header.yaml",
	"preview":             "testdata/preview.yaml",
	"fallback":            "testdata/fallback.yaml",
	"host-and-headers":    "testdata/host-and-headers.yaml",
	"regex-and-path":      "testdata/regex-and-path.yaml",
	"tls":                 "testdata/tls.yaml",
	"dns-and-ip-backends": "testdata/dns-and-ip-backends.yaml",
	"ratelimit":           "testdata/ratelimit.yaml",
	"shadow":              "testdata/shadow.yaml",
	"cache":               "testdata/cache.yaml",
	"magento":             "../routes/examples/magento.yaml",
}

// TestGolden translates each route file, validates every resource and
// compares Render's bytes with testdata/<name>.golden.json. After an
// intended change: go test ./controlplane -run Golden -update, then read the
// diff of the golden files as the review of the change.
func TestGolden(t *testing.T) {
	for name, path := range goldenCases {
		t.Run(name, func(t *testing.T) {
			f, err := routes.Load(path)
			require.NoError(t, err)
			res, err := Translate(f)
			require.NoError(t, err)
			requireValid(t, res)
			got, err := Render(res)
			require.NoError(t, err)
			compareGolden(t, filepath.Join("testdata", name+".golden.json"), got)
		})
	}
}

// TestGoldenBootstraps keeps the two bootstrap files under review too.
func TestGoldenBootstraps(t *testing.T) {
	f, err := routes.Load("../routes/examples/magento.yaml")
	require.NoError(t, err)
	res, err := Translate(f)
	require.NoError(t, err)
	static, err := Bootstrap(res, 9901)
	require.NoError(t, err)
	compareGolden(t, "testdata/bootstrap-static.golden.json", static)

	ads, err := ADSBootstrap("strangler", 18000, "envoy-1", "edge")
	require.NoError(t, err)
	compareGolden(t, "testdata/bootstrap-ads.golden.json", ads)
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "no golden file yet: run go test ./controlplane -run Golden -update")
	require.JSONEq(t, string(want), string(got))
	require.Equal(t, string(want), string(got), "same JSON, different bytes: Render is not byte-stable")
}
