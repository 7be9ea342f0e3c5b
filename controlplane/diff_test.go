package controlplane

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/routes"
)

func diffTexts(t *testing.T, old, new *routes.File) []string {
	t.Helper()
	changes, err := Diff(old, new)
	require.NoError(t, err)
	var out []string
	for _, c := range changes {
		out = append(out, c.Text)
	}
	return out
}

func TestDiffPercentIsRDSOnly(t *testing.T) {
	old, new := exampleFile(), exampleFile()
	new.Routes[0].Percent = 5000
	assert.Equal(t, []string{
		"route product-api: catalog 25% -> 50%",
		"Envoy: RDS (strangler) changes; CDS, EDS, LDS unchanged",
	}, diffTexts(t, old, new))
}

func TestDiffNothing(t *testing.T) {
	new := exampleFile()
	new.Path = "elsewhere.yaml"
	new.Routes[0].Pos = routes.Pos{Line: 99}
	changes, err := Diff(exampleFile(), new)
	require.NoError(t, err)
	assert.Nil(t, changes)
}

func TestDiffEndpointsAreEDSOnly(t *testing.T) {
	old, new := exampleFile(), exampleFile()
	new.Backends["catalog"].Endpoints = append(new.Backends["catalog"].Endpoints, addr("10.0.0.9", 8080))
	assert.Equal(t, []string{
		"backend catalog: endpoints [10.0.0.5:8080 10.0.0.6:8080] -> [10.0.0.5:8080 10.0.0.6:8080 10.0.0.9:8080]",
		"Envoy: EDS (catalog) changes; CDS, LDS, RDS unchanged",
	}, diffTexts(t, old, new))
}

func TestDiffRouteChanges(t *testing.T) {
	old, new := exampleFile(), exampleFile()
	new.Routes[0].Sticky = nil
	new.Routes[0].Preview = &routes.Preview{Header: "X-Preview"}
	new.Routes[1].Sticky = &routes.Sticky{Cookie: "PHPSESSID"}
	new.Routes[1].Fallback = true
	new.Routes[1].Match.Methods = []string{"GET", "HEAD"}
	new.Routes[2].To, new.Routes[2].Percent = "catalog", 1000
	got := diffTexts(t, old, new)
	assert.Equal(t, []string{
		"route product-api: sticky cookie PHPSESSID removed",
		"route product-api: preview header X-Strangler-Preview -> preview header X-Preview",
		"route categories-api: match prefix /rest/V1/categories GET -> prefix /rest/V1/categories GET,HEAD",
		"route categories-api: sticky cookie PHPSESSID added",
		"route categories-api: fallback added",
		"route orders-api: orders 0% -> catalog 10%",
	}, got[:len(got)-1])
	// categories-api now uses the existing aggregate: RDS only.
	assert.Equal(t, "Envoy: RDS (strangler) changes; CDS, EDS, LDS unchanged", got[len(got)-1])
}

func TestDiffAddRemoveReorder(t *testing.T) {
	old, new := exampleFile(), exampleFile()
	added := &routes.Route{Name: "cart-api", Match: routes.Match{Prefix: "/rest/V1/carts"}, To: "orders", Legacy: "magento",
		Sticky: &routes.Sticky{Header: "X-Customer-Id"}}
	new.Routes = []*routes.Route{new.Routes[1], added, new.Routes[0]} // orders-api removed, order swapped
	new.Backends["search"] = &routes.Backend{Name: "search", Endpoints: []routes.Address{addr("search.internal", 80)}}
	delete(new.Backends, "orders")
	added.To = "search"
	assert.Equal(t, []string{
		"backend orders: removed",
		"backend search: added (endpoints [search.internal:80])",
		"route orders-api: removed",
		"route cart-api: added (prefix /rest/V1/carts -> search 0%, sticky header X-Customer-Id)",
		"route order changed: product-api, categories-api -> categories-api, product-api",
		"Envoy: CDS (+search -orders), EDS (-orders), RDS (strangler) change; LDS unchanged",
	}, diffTexts(t, old, new))
}

func TestDiffFileAndBackendSettings(t *testing.T) {
	old, new := exampleFile(), exampleFile()
	new.XFFTrustedHops = 2
	new.Backends["orders"].Timeout = 30e9
	new.Backends["orders"].TLS = true
	new.Backends["orders"].HealthCheck = &routes.HealthCheck{Path: "/healthz", Interval: 5e9}
	assert.Equal(t, []string{
		"file: xff_trusted_hops 1 -> 2",
		"backend orders: timeout 15s (default) -> 30s",
		"backend orders: health check none -> /healthz every 5s",
		"backend orders: tls off -> on",
		"Envoy: CDS (orders), LDS (http) change; EDS, RDS unchanged",
	}, diffTexts(t, old, new))
}

func TestDiffFirstFile(t *testing.T) {
	changes, err := Diff(nil, exampleFile())
	require.NoError(t, err)
	require.NotEmpty(t, changes)
	last := changes[len(changes)-1]
	assert.Equal(t, ChangeEnvoy, last.Kind)
	assert.Contains(t, last.Text, "+catalog")
	assert.Equal(t, ChangeAdded, changes[0].Kind)
}

func TestDiffReportsUntranslatable(t *testing.T) {
	bad := exampleFile()
	bad.Routes[0].To = "nowhere"
	_, err := Diff(exampleFile(), bad)
	require.ErrorContains(t, err, "new file")
	_, err = Diff(bad, exampleFile())
	require.ErrorContains(t, err, "old file")
}
