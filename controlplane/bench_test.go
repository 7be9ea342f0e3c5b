package controlplane

import (
	"fmt"
	"testing"

	"github.com/strangler-dev/strangler/routes"
)

const benchRoutes = 10_000

// bigFile is a 10,000-route file over 50 backends, every fourth route sticky,
// every fifth with fallback, every third with a preview header.
func bigFile() *routes.File {
	f := exampleFile()
	for i := range 50 {
		name := fmt.Sprintf("svc-%d", i)
		f.Backends[name] = &routes.Backend{Name: name, Endpoints: []routes.Address{addr(fmt.Sprintf("10.1.%d.1", i), 8080)},
			HealthCheck: &routes.HealthCheck{Path: "/healthz", Interval: 5e9}}
	}
	f.Routes = nil
	for i := range benchRoutes {
		r := &routes.Route{
			Name:    fmt.Sprintf("route-%d", i),
			Index:   i,
			Match:   routes.Match{Prefix: fmt.Sprintf("/rest/V1/area-%d", i), Methods: []string{"GET", "HEAD"}},
			To:      fmt.Sprintf("svc-%d", i%50),
			Legacy:  "magento",
			Percent: routes.Percent(i % 10001),
		}
		if i%4 == 0 {
			r.Sticky = &routes.Sticky{Cookie: "PHPSESSID"}
		}
		r.Fallback = i%5 == 0
		if i%3 == 0 {
			r.Preview = &routes.Preview{Header: "X-Strangler-Preview"}
		}
		f.Routes = append(f.Routes, r)
	}
	return f
}

// BenchmarkTranslate10kRoutes: go test ./controlplane -run '^$' -bench Translate10k -benchtime 5x
// (target < 300 ms and < 200 MB per translation).
func BenchmarkTranslate10kRoutes(b *testing.B) {
	f := bigFile()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Translate(f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRender10kRoutes measures the admin API's /api/config path.
func BenchmarkRender10kRoutes(b *testing.B) {
	res, err := Translate(bigFile())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(res); err != nil {
			b.Fatal(err)
		}
	}
}

func TestBigFileIsValid(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 routes")
	}
	res := translate(t, bigFile())
	rs := routeEntries(t, res)
	// 10,000 routes, 3,334 of them with two preview entries, and the catch-all.
	if want := benchRoutes + 2*((benchRoutes+2)/3) + 1; len(rs) != want {
		t.Fatalf("route entries: got %d, want %d", len(rs), want)
	}
}
