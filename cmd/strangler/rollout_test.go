package main

import (
	"context"
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

// TestRolloutActionsReachEnvoy: an operator's promote (with the admin token)
// changes the percent Envoy is served, history records it, and an action
// without the token is refused.
func TestRolloutActionsReachEnvoy(t *testing.T) {
	path := writeFile(t, `version: 1
listen: 0.0.0.0:10000
legacy: magento
backends:
  magento: {endpoints: [127.0.0.1:8080]}
  orders: {endpoints: [127.0.0.1:8091]}
routes:
  - name: orders-api
    match: {prefix: /rest/V1/orders}
    to: orders
    percent: 0
    rollout:
      steps: [10, 50, 100]
      hold: 1h
      gates: {interval: 1m, shadow_match: 99%}
`)
	r := servetest.Start(t, serve.Options{RoutesPath: path, AdminToken: "secret"})
	admin := "http://" + r.AdminAddr.String()

	wctx, wcancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer wcancel()
	envoy, err := xdstest.StartADS(wctx, xdstest.Dial(t, r.XDSAddr.String()), xdstest.Options{Node: &core.Node{Id: "e1"}})
	require.NoError(t, err)
	defer envoy.Close()
	cluster := func() string {
		rc, _ := envoy.Resources(resource.RouteType)["strangler"].(*route.RouteConfiguration)
		if rc == nil {
			return ""
		}
		a := rc.VirtualHosts[0].Routes[0].GetRoute()
		if wc := a.GetWeightedClusters(); wc != nil {
			return wc.Clusters[0].Name + "@" + wc.Clusters[0].Weight.String()
		}
		return a.GetCluster()
	}
	require.NoError(t, envoy.Wait(wctx, func() bool { return cluster() == "magento" }))

	out, _, code := run(t, "rollout", "status", "orders-api", "--admin", admin)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "orders-api")

	_, errOut, code := run(t, "rollout", "promote", "orders-api", "--admin", admin)
	assert.Equal(t, 1, code, "no token, no action")
	assert.Contains(t, errOut, "Authorization: Bearer")

	out, errOut, code = run(t, "rollout", "promote", "orders-api", "--admin", admin, "--token", "secret", "--why", "shadow is clean")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "10%")
	require.NoError(t, envoy.Wait(wctx, func() bool { return cluster() == "orders@value:1000" }), "Envoy got %s", cluster())

	out, _, code = run(t, "history", "orders-api", "--admin", admin)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "promote")
	assert.Contains(t, out, "shadow is clean")

	out, _, code = run(t, "rollout", "abort", "orders-api", "--admin", admin, "--token", "secret")
	require.Equal(t, 0, code)
	require.NoError(t, envoy.Wait(wctx, func() bool { return cluster() == "magento" }))
	assert.Contains(t, out, "aborted")
}
