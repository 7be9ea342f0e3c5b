package controlplane

import (
	"time"

	"github.com/strangler-dev/strangler/routes"
)

func addr(host string, port uint32) routes.Address { return routes.Address{Host: host, Port: port} }

// exampleFile is built in Go, independent of the YAML loader, and uses every
// feature: a sticky split with fallback and preview, a 100 % route, a 0 %
// route, and an EDS and a STRICT_DNS backend.
func exampleFile() *routes.File {
	f := &routes.File{
		Version:        1,
		Listen:         addr("0.0.0.0", 10000),
		Legacy:         "magento",
		XFFTrustedHops: 1,
		Backends: map[string]*routes.Backend{
			"magento": {Name: "magento", Endpoints: []routes.Address{addr("magento.internal", 80)},
				HealthCheck: &routes.HealthCheck{Path: "/health_check.php", Interval: 5 * time.Second}, Timeout: 60 * time.Second},
			"catalog": {Name: "catalog", Endpoints: []routes.Address{addr("10.0.0.5", 8080), addr("10.0.0.6", 8080)},
				HealthCheck: &routes.HealthCheck{Path: "/healthz", Interval: 500 * time.Millisecond}, Timeout: 5 * time.Second},
			"orders": {Name: "orders", Endpoints: []routes.Address{addr("10.0.0.7", 8080)}},
		},
		Routes: []*routes.Route{
			{Name: "product-api", Match: routes.Match{Prefix: "/rest/V1/products", Methods: []string{"GET", "HEAD"},
				Headers: []routes.HeaderMatch{{Name: "Store", Value: "default"}}, Host: "shop.example.com"},
				To: "catalog", Legacy: "magento", Percent: 2500, Sticky: &routes.Sticky{Cookie: "PHPSESSID"},
				Fallback: true, Preview: &routes.Preview{Header: "X-Strangler-Preview"}},
			{Name: "categories-api", Match: routes.Match{Prefix: "/rest/V1/categories", Methods: []string{"GET"}},
				To: "catalog", Legacy: "magento", Percent: routes.Full},
			{Name: "orders-api", Match: routes.Match{Path: "/rest/V1/orders"}, To: "orders", Legacy: "magento"},
		},
	}
	for i, r := range f.Routes {
		r.Index = i
	}
	return f
}
