package serve_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	rlext "github.com/envoyproxy/go-control-plane/envoy/extensions/common/ratelimit/v3"
	rlsv3 "github.com/envoyproxy/go-control-plane/envoy/service/ratelimit/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/controlplane/serve"
	"github.com/strangler-dev/strangler/controlplane/serve/servetest"
	"github.com/strangler-dev/strangler/controlplane/xds/xdstest"
	"github.com/strangler-dev/strangler/internal/redistest"
)

// TestRateLimitThroughServe: serve runs the rate limit service the route file
// configures, and the descriptors Envoy receives over ADS for a route are
// decided by it: 5 requests from one client pass, the 6th is over limit.
func TestRateLimitThroughServe(t *testing.T) {
	redis := redistest.Start(t)
	rlsAddr := servetest.FreeAddr(t)
	path := servetest.WriteRouteFile(t, fmt.Sprintf(`version: 1
listen: 0.0.0.0:10000
legacy: magento
ratelimit: {listen: %s, address: %s, redis_timeout: 500ms}
redis: {address: redis://%s/0}
backends:
  magento: {endpoints: [127.0.0.1:8080]}
  catalog: {endpoints: [127.0.0.1:8090]}
routes:
  - name: product-api
    match: {prefix: /rest/V1/products}
    to: catalog
    limits: [{per: client_ip, rate: 5/m, burst: 5}]
`, rlsAddr, rlsAddr, redis.Addr()))
	run := servetest.Start(t, serve.Options{RoutesPath: path})

	// What Envoy gets for the route: its rate_limits actions.
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	envoy, err := xdstest.StartADS(wctx, xdstest.Dial(t, run.XDSAddr.String()), xdstest.Options{Node: &corev3.Node{Id: "e1"}})
	require.NoError(t, err)
	defer envoy.Close()
	require.NoError(t, envoy.Wait(wctx, func() bool { return envoy.Version(resource.RouteType) != "" }))
	rc := envoy.Resources(resource.RouteType)["strangler"].(*route.RouteConfiguration)
	actions := rc.VirtualHosts[0].Routes[0].GetRoute().GetRateLimits()[0].GetActions()
	descriptor := &rlext.RateLimitDescriptor{Entries: []*rlext.RateLimitDescriptor_Entry{
		{Key: actions[0].GetGenericKey().GetDescriptorKey(), Value: actions[0].GetGenericKey().GetDescriptorValue()},
		{Key: "remote_address", Value: "203.0.113.9"}, // what remote_address{} yields
	}}
	require.NotNil(t, actions[1].GetRemoteAddress())

	require.Eventually(t, func() bool { _, ok := run.EdgeAddr("ratelimit"); return ok }, 5*time.Second, 10*time.Millisecond)
	rls := rlsv3.NewRateLimitServiceClient(xdstest.Dial(t, rlsAddr))
	var codes []rlsv3.RateLimitResponse_Code
	for range 6 {
		resp, err := rls.ShouldRateLimit(wctx, &rlsv3.RateLimitRequest{Domain: "strangler", Descriptors: []*rlext.RateLimitDescriptor{descriptor}})
		require.NoError(t, err)
		codes = append(codes, resp.OverallCode)
	}
	ok, over := rlsv3.RateLimitResponse_OK, rlsv3.RateLimitResponse_OVER_LIMIT
	assert.Equal(t, []rlsv3.RateLimitResponse_Code{ok, ok, ok, ok, ok, over}, codes)
}
