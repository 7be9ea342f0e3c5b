package edge

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func healthFile(legacy, newer *backend, fallback bool) string {
	return fmt.Sprintf(`version: 1
listen: 127.0.0.1:10000
legacy: magento
backends:
  magento: {endpoints: [%s], health_check: {path: /healthz, interval: 1s}}
  catalog: {endpoints: [%s], health_check: {path: /healthz, interval: 1s}}
routes:
  - name: product-api
    match: {prefix: /rest/V1/products, methods: [GET]}
    to: catalog
    percent: 100
    fallback: %t
`, legacy.hostPort(), newer.hostPort(), fallback)
}

// TestUnhealthyNewGoesStraightToLegacy: the new service fails its health
// check, so the aggregate's first cluster has no healthy host and requests
// go to legacy without trying it (the edge is ready only after the first
// health check round, as Envoy's cluster warming waits for it).
func TestUnhealthyNewGoesStraightToLegacy(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	newer.setHealth(http.StatusServiceUnavailable)
	r := startRig(t, healthFile(legacy, newer, true))
	for i := 0; i < 5; i++ {
		status, body, resp := get(t, r.url+"/rest/V1/products/1", nil)
		require.Equal(t, http.StatusOK, status)
		assert.Equal(t, "legacy", body)
		assert.Empty(t, resp.Header.Get("X-Envoy-Attempt-Count"))
	}
	assert.Zero(t, newer.hitCount(), "an unhealthy new service is not tried")
}

// TestPanicThreshold: without fallback the only host of a cluster failing
// its health checks still gets traffic: below the 50% panic threshold Envoy
// balances over all hosts.
func TestPanicThreshold(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	newer.setHealth(http.StatusServiceUnavailable)
	r := startRig(t, healthFile(legacy, newer, false))
	_, body, _ := get(t, r.url+"/rest/V1/products/1", nil)
	assert.Equal(t, "new", body)
}

// TestOutlierEjection: five consecutive 5xx eject the new service's host
// (consecutive_5xx 5); from then on the aggregate skips it and the new
// service sees no more requests.
func TestOutlierEjection(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	r := startRig(t, twoBackendFile(legacy, newer, fallbackRoute))
	newer.setFail(http.StatusInternalServerError)
	for i := 0; i < 12; i++ {
		status, body, _ := get(t, r.url+"/rest/V1/products/1", nil)
		require.Equal(t, http.StatusOK, status)
		require.Equal(t, "legacy", body)
	}
	assert.Equal(t, 5, newer.hitCount(), "ejected after five consecutive 5xx")
}
