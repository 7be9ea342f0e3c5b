package controlplane

import (
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"

	"github.com/strangler-dev/strangler/routes"
)

// previewRoutes let a tester force a side with the preview header ("new" or
// "legacy"), whatever the percent, even at 0 % before anyone else gets the new
// service. They sit just before their route so they match the same requests
// and win over it. Preview-new goes to the backend itself, never the fallback
// aggregate: a tester previewing the new service must see its errors, not
// Magento quietly answering in its place.
func previewRoutes(f *routes.File, r *routes.Route) []*route.Route {
	if r.Preview == nil {
		return nil
	}
	return []*route.Route{
		previewRoute(r, routes.PreviewNew, clusterAction(ClusterName(r.To), backendTimeout(f, r.To))),
		previewRoute(r, routes.PreviewLegacy, clusterAction(ClusterName(r.Legacy), backendTimeout(f, r.Legacy))),
	}
}

func previewRoute(r *routes.Route, side string, action *route.RouteAction) *route.Route {
	m := routeMatch(r.Match)
	m.Headers = append(m.Headers, exactHeader(r.Preview.Header, side))
	return &route.Route{
		Name:   PreviewRouteName(r, side),
		Match:  m,
		Action: &route.Route_Route{Route: action},
	}
}
