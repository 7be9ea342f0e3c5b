package xds

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/strangler-dev/strangler/controlplane"
	"github.com/strangler-dev/strangler/routes"
)

// FuzzRouteFileToSnapshot: whatever bytes arrive as a route file, the loader
// either refuses them or the translation yields a snapshot that passes
// ValidateAll and Consistent. An accepted file must never become config that
// Envoy would reject.
func FuzzRouteFileToSnapshot(f *testing.F) {
	seeds, _ := filepath.Glob("../testdata/*.yaml")
	seeds = append(seeds, "../../routes/examples/magento.yaml")
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := routes.Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		res, err := controlplane.Translate(file)
		if err != nil {
			t.Fatalf("valid file failed to translate: %v", err)
		}
		if _, err := NewSnapshot(res); err != nil {
			t.Fatalf("valid file gave an invalid snapshot: %v\n%s", err, data)
		}
	})
}
