package legacy

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestStatsCountRequestsByPath(t *testing.T) {
	g := newRig(t, Options{})
	sku := shared().Products[0].SKU
	for range 3 {
		g.Get("/rest/V1/products/" + sku)
	}
	g.Get("/health_check.php")
	g.Get("/rest/default/V1/products/" + sku)
	assert.EqualValues(t, 3, g.app.Requests("/rest/V1/products/"+sku))

	stats := g.Get("/_stats").Object(t)
	assert.EqualValues(t, 5, stats["total"])
	assert.Equal(t, map[string]any{
		"/rest/V1/products/" + sku:         3.0,
		"/rest/default/V1/products/" + sku: 1.0,
		"/health_check.php":                1.0,
	}, stats["paths"])

	assert.Equal(t, http.StatusNoContent, g.Do("DELETE", "/_stats", "").Status)
	assert.Zero(t, g.app.Stats().Total)
	assert.Empty(t, g.app.Stats().Paths)
}

func TestLatencyHoldsEveryRequest(t *testing.T) {
	g := newRig(t, Options{Latency: Latency{Base: 40 * time.Millisecond, Jitter: 10 * time.Millisecond}})
	start := time.Now()
	g.Get("/health_check.php")
	assert.GreaterOrEqual(t, time.Since(start), 40*time.Millisecond)
}
