package ratelimit

import (
	"testing"

	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"

	"github.com/strangler-dev/strangler/controlplane"
)

func routeEntries(t *testing.T, res *controlplane.Resources) []*route.Route {
	t.Helper()
	rc, ok := res.Routes[0].(*route.RouteConfiguration)
	if !ok {
		t.Fatalf("route resource is %T", res.Routes[0])
	}
	return rc.VirtualHosts[0].Routes
}
