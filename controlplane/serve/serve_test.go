package serve_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/controlplane/serve"
	"github.com/strangler-dev/strangler/controlplane/serve/servetest"
	"github.com/strangler-dev/strangler/controlplane/xds/xdstest"
)

const routeFile = `version: 1
listen: 0.0.0.0:10000
legacy: magento
backends:
  magento: {endpoints: [127.0.0.1:8080]}
  catalog: {endpoints: [127.0.0.1:8090]}
routes:
  - name: product-api
    match: {prefix: /rest/V1/products, methods: [GET]}
    to: catalog
    percent: 25   # the percent under test
`

type stack struct {
	path  string
	admin string
	xds   string
}

func start(t *testing.T) *stack {
	t.Helper()
	s := &stack{path: servetest.WriteRouteFile(t, routeFile)}
	r := servetest.Start(t, serve.Options{RoutesPath: s.path, Debounce: 20 * time.Millisecond})
	s.xds, s.admin = r.XDSAddr.String(), "http://"+r.AdminAddr.String()
	return s
}

func (s *stack) edit(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(s.path)
	require.NoError(t, err)
	// Rename-save, as editors do.
	tmp := s.path + ".tmp"
	require.NoError(t, os.WriteFile(tmp, []byte(strings.Replace(string(data), from, to, 1)), 0o644))
	require.NoError(t, os.Rename(tmp, s.path))
}

func getJSON(t *testing.T, url string, into any) int {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.NoError(t, json.NewDecoder(resp.Body).Decode(into))
	return resp.StatusCode
}

func weights(t *testing.T, c *xdstest.Client) []uint32 {
	rc, ok := c.Resources(resource.RouteType)["strangler"].(*route.RouteConfiguration)
	require.True(t, ok)
	var out []uint32
	for _, w := range rc.VirtualHosts[0].Routes[0].GetRoute().GetWeightedClusters().GetClusters() {
		out = append(out, w.Weight.GetValue())
	}
	return out
}

// TestEditReachesEnvoy: a percent edit in the file reaches a connected Envoy
// as a new RDS version only; a broken edit never reaches it and is reported
// until fixed.
func TestEditReachesEnvoy(t *testing.T) {
	s := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	client, err := xdstest.StartADS(ctx, xdstest.Dial(t, s.xds), xdstest.Options{Node: &core.Node{Id: "envoy-1", Cluster: "edge"}})
	require.NoError(t, err)
	defer client.Close()
	require.NoError(t, client.Wait(ctx, func() bool { return client.Version(resource.RouteType) != "" }))
	assert.Equal(t, []uint32{2500, 7500}, weights(t, client))
	before := map[string]string{}
	counts := map[string]int{}
	for _, url := range []string{resource.ClusterType, resource.EndpointType, resource.ListenerType, resource.RouteType} {
		before[url], counts[url] = client.Version(url), client.Responses(url)
	}

	s.edit(t, "percent: 25", "percent: 50")
	require.NoError(t, client.Wait(ctx, func() bool { return client.Version(resource.RouteType) != before[resource.RouteType] }))
	assert.Equal(t, []uint32{5000, 5000}, weights(t, client))
	for _, url := range []string{resource.ClusterType, resource.EndpointType, resource.ListenerType} {
		assert.Equal(t, before[url], client.Version(url), url)
		assert.Equal(t, counts[url], client.Responses(url), "%s must not be re-sent for a percent change", url)
	}

	// The admin API shows the routes (the store is replaced just after the
	// push, so it may trail Envoy by a moment) and the node's ACKs.
	var routes []serve.RouteView
	require.Eventually(t, func() bool {
		return getJSON(t, s.admin+"/api/routes", &routes) == 200 && len(routes) == 1 && routes[0].Percent == 50.0
	}, 5*time.Second, 10*time.Millisecond, "routes: %+v", routes)
	var nodes struct {
		Nodes []struct {
			ID        string            `json:"id"`
			Connected bool              `json:"connected"`
			Acked     map[string]string `json:"acked"`
		} `json:"nodes"`
	}
	require.Eventually(t, func() bool {
		getJSON(t, s.admin+"/api/nodes", &nodes)
		return len(nodes.Nodes) == 1 && nodes.Nodes[0].Acked[resource.RouteType] == client.Version(resource.RouteType)
	}, 5*time.Second, 20*time.Millisecond)
	assert.True(t, nodes.Nodes[0].Connected)

	// A broken file: reported, never served.
	rdsGood := client.Version(resource.RouteType)
	s.edit(t, "percent: 50", "percent: 500")
	var status struct {
		LastError *struct{ Message string } `json:"last_error"`
	}
	require.Eventually(t, func() bool {
		getJSON(t, s.admin+"/api/status", &status)
		return status.LastError != nil
	}, 5*time.Second, 20*time.Millisecond)
	assert.Contains(t, status.LastError.Message, `routes[0] "product-api": percent: 500 is out of range 0..100`)
	assert.Equal(t, rdsGood, client.Version(resource.RouteType))
	metrics := httpText(t, s.admin+"/metrics")
	assert.Contains(t, metrics, "strangler_config_errors_total 1")
	assert.Contains(t, metrics, "strangler_config_valid 0")

	// Fixed: served, and the error clears.
	s.edit(t, "percent: 500", "percent: 75")
	require.NoError(t, client.Wait(ctx, func() bool { return client.Version(resource.RouteType) != rdsGood }))
	assert.Equal(t, []uint32{7500, 2500}, weights(t, client))
	getJSON(t, s.admin+"/api/status", &status)
	assert.Nil(t, status.LastError)
}

func httpText(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}
