package edge

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRouteTimeout: the route timeout (the backend's timeout in the route
// file) answers 504 when the upstream is slower.
func TestRouteTimeout(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	newer.delay = 500 * time.Millisecond
	r := startRig(t, fmt.Sprintf(`version: 1
listen: 127.0.0.1:10000
legacy: magento
backends:
  magento: {endpoints: [%s]}
  catalog: {endpoints: [%s], timeout: 100ms}
routes:
  - name: product-api
    match: {prefix: /rest/V1/products}
    to: catalog
    percent: 100
`, legacy.hostPort(), newer.hostPort()))
	status, body, _ := get(t, r.url+"/rest/V1/products/1", nil)
	assert.Equal(t, http.StatusGatewayTimeout, status)
	assert.Equal(t, "upstream request timeout", body)
}

// TestAttemptCountOnFallback: with include_attempt_count_in_response the
// response says a fallback retry happened.
func TestAttemptCountOnFallback(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	newer.setFail(http.StatusInternalServerError)
	p := startDirectPlane(t, twoBackendFile(legacy, newer, fallbackRoute))
	p.routeConfig().VirtualHosts[0].IncludeAttemptCountInResponse = true
	p.push(t)
	e := startEdge(t, p.addr, "edge-attempts")
	status, body, resp := get(t, "http://"+e.Addr().String()+"/rest/V1/products/1", nil)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "legacy", body)
	assert.Equal(t, "2", resp.Header.Get("X-Envoy-Attempt-Count"))
}

// TestMirrorHostSuffix: without disable_shadow_host_suffix_append the
// mirror's Host gets "-shadow" before its port; the client never waits for
// the mirror.
func TestMirrorHostSuffix(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	p := startDirectPlane(t, twoBackendFile(legacy, newer, fallbackRoute))
	gate := make(chan struct{})
	newer.gate = gate // the mirror target answers only when the test says
	rc := p.routeConfig()
	for _, r := range rc.VirtualHosts[0].Routes {
		if r.Name == "legacy-catch-all" {
			r.GetRoute().RequestMirrorPolicies = []*route.RouteAction_RequestMirrorPolicy{{Cluster: "catalog"}}
		}
	}
	p.push(t)
	e := startEdge(t, p.addr, "edge-mirror")
	req, err := http.NewRequest(http.MethodGet, "http://"+e.Addr().String()+"/checkout", nil)
	require.NoError(t, err)
	req.Host = "shop.example.com:8443"
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	require.NoError(t, err, "the client must not wait for the mirror")
	resp.Body.Close()
	assert.Equal(t, "legacy", resp.Header.Get("X-Backend"))
	close(gate)
	waitFor(t, func() bool { return newer.lastRequest() != nil })
	assert.Equal(t, "shop.example.com-shadow:8443", newer.lastRequest().Host)
}

// TestCleartextHTTP2Downstream: codec AUTO also serves HTTP/2 with prior
// knowledge.
func TestCleartextHTTP2Downstream(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	r := startRig(t, twoBackendFile(legacy, newer, splitRoute))
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	resp, err := (&http.Client{Transport: tr}).Get(r.url + "/checkout")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 2, resp.ProtoMajor)
	assert.Equal(t, "legacy", resp.Header.Get("X-Backend"))
}

// TestNewBackendViaEdit: a backend and route added to the file reach the
// edge as a new cluster, a new EDS subscription and a new route.
func TestNewBackendViaEdit(t *testing.T) {
	legacy, newer, orders := newBackend(t, "legacy"), newBackend(t, "new"), newBackend(t, "orders")
	r := startRig(t, twoBackendFile(legacy, newer, splitRoute))
	r.edit("routes:\n", fmt.Sprintf("  orders: {endpoints: [%s]}\nroutes:\n  - name: orders-api\n    match: {prefix: /rest/V1/orders}\n    to: orders\n    percent: 100\n", orders.hostPort()))
	waitFor(t, func() bool { _, body, _ := get(t, r.url+"/rest/V1/orders/1", nil); return body == "orders" })
}
