package edge

import (
	"io"
	"net/http"
	"testing"
)

// BenchmarkProxy measures one GET through the edge (route match, weighted
// split, upstream round trip, access log) against a local backend;
// BenchmarkDirect is the same GET straight to the backend, the floor.
func BenchmarkProxy(b *testing.B) {
	legacy, newer := newBackend(b, "legacy"), newBackend(b, "new")
	r := startRig(b, twoBackendFile(legacy, newer, splitRoute))
	benchGet(b, r.url+"/rest/V1/products/1")
}

func BenchmarkDirect(b *testing.B) {
	backend := newBackend(b, "legacy")
	benchGet(b, backend.URL+"/rest/V1/products/1")
}

func benchGet(b *testing.B, url string) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Get(url)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}
