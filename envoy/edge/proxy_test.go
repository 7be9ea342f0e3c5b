package edge

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProxiesByRoute: the edge serves the control plane's configuration:
// a routed prefix reaches the new backend, everything else legacy, and the
// request reaches the backend as Envoy forwards it.
func TestProxiesByRoute(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	r := startRig(t, twoBackendFile(legacy, newer, `  - name: product-api
    match: {prefix: /rest/V1/products, methods: [GET]}
    to: catalog
    percent: 100
`))
	status, body, resp := get(t, r.url+"/rest/V1/products/42?x=1", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "new", body)
	assert.Equal(t, "envoy", resp.Header.Get("Server"))
	seen := newer.lastRequest()
	assert.Equal(t, "/rest/V1/products/42?x=1", seen.RequestURI)
	assert.NotEmpty(t, seen.Header.Get("X-Request-Id"))
	assert.Equal(t, "127.0.0.1", seen.Header.Get("X-Forwarded-For"))
	assert.Equal(t, "http", seen.Header.Get("X-Forwarded-Proto"))

	_, body, _ = get(t, r.url+"/checkout", nil)
	assert.Equal(t, "legacy", body)
	// POST is not in the route's methods: legacy.
	resp2, err := http.Post(r.url+"/rest/V1/products/42", "text/plain", nil)
	require.NoError(t, err)
	resp2.Body.Close()
	assert.Equal(t, "legacy", resp2.Header.Get("X-Backend"))
}
