package routes

import (
	"os"
	"testing"
)

// FuzzParse: any bytes either fail with errors or give a file whose
// references all resolve; never a panic.
func FuzzParse(f *testing.F) {
	example, err := os.ReadFile("examples/magento.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example)
	f.Add([]byte(base + "  - {name: a, match: {prefix: /a, methods: [GET]}, to: catalog, percent: 33.33, fallback: true}\n"))
	f.Add([]byte("version: 1\nlisten: &l 1.2.3.4:1\nlegacy: *l\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.yaml", data)
		if err != nil {
			if file != nil {
				t.Fatal("a file with errors must not be returned")
			}
			return
		}
		if file.Backends[file.Legacy] == nil {
			t.Fatalf("legacy %q does not resolve", file.Legacy)
		}
		seen := map[string]bool{}
		for _, r := range file.Routes {
			if seen[r.Name] || r.Percent > Full || file.Backends[r.To] == nil || file.Backends[r.Legacy] == nil || r.To == r.Legacy {
				t.Fatalf("invalid route accepted: %+v", r)
			}
			seen[r.Name] = true
		}
	})
}
