package serve

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/routes"
)

// TestRouteViewsCarryEdgeSettings: the route view shows each route's
// effective limits (its own or the file's defaults), cache policy, shadow
// share and rollout gates as the file sets them, and nothing for what a
// route leaves unset.
func TestRouteViewsCarryEdgeSettings(t *testing.T) {
	f, err := routes.Parse("routes.yaml", []byte(`version: 1
listen: 0.0.0.0:10000
legacy: magento
ratelimit: {listen: 127.0.0.1:18081, address: 127.0.0.1:18081}
cache_service: {listen: 127.0.0.1:18082, address: 127.0.0.1:18082}
shadow_service: {listen: 127.0.0.1:18083, address: 127.0.0.1:18083}
limits: [{per: client_ip, rate: 100/s, burst: 200}]
backends:
  magento: {endpoints: [127.0.0.1:8080]}
  catalog: {endpoints: [127.0.0.1:8090]}
routes:
  - name: product-api
    match: {prefix: /rest/V1/products}
    to: catalog
    percent: 5
    limits: [{per: header:X-Api-Key, rate: 1000/m}, {per: route, rate: 20/h, burst: 5, shadow: true}]
    cache: {ttl: 10m, stale_while_revalidate: 30s, vary: [cookie:X-Magento-Vary], bypass: [header:Authorization]}
    shadow: {percent: 10, noise_percent: 1}
    rollout:
      steps: [25, 100]
      hold: 1h
      gates: {interval: 2m, shadow_match: 99.5%, p99_latency: 300ms}
  - name: category-api
    match: {prefix: /rest/V1/categories}
    to: catalog
`))
	require.NoError(t, err)
	cp, err := New(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	require.NoError(t, cp.Apply(context.Background(), f, nil))

	views := RouteViews(cp)
	require.Len(t, views, 2)
	p, c := views[0], views[1]
	assert.Equal(t, []LimitView{
		{ID: "product-api#0", Per: "header:X-Api-Key", Rate: "1000/m", Burst: 1000},
		{ID: "product-api#1", Per: "route", Rate: "20/h", Burst: 5, Shadow: true},
	}, p.Limits)
	assert.Equal(t, &CacheView{TTL: "10m0s", StaleWhileRevalidate: "30s", Vary: []string{"cookie:X-Magento-Vary"},
		Bypass: []string{"header:Authorization"}}, p.Cache)
	assert.Equal(t, &ShadowView{Percent: 10, NoisePercent: 1}, p.Shadow)
	require.NotNil(t, p.Rollout)
	require.NotNil(t, p.Rollout.ShadowMatch)
	assert.Equal(t, 99.5, *p.Rollout.ShadowMatch)
	assert.Nil(t, p.Rollout.ErrorRate)
	assert.Equal(t, "300ms", p.Rollout.P99Latency)
	assert.Equal(t, "2m0s", p.Rollout.Interval)
	assert.Equal(t, "rollback", p.Rollout.OnFailure)

	assert.Equal(t, []LimitView{{ID: "_default#0", Per: "client_ip", Rate: "100/s", Burst: 200}}, c.Limits, "the file's defaults apply")
	assert.Nil(t, c.Cache)
	assert.Nil(t, c.Shadow)
	assert.Nil(t, c.Rollout)
}
