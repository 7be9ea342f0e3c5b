package controlplane

import (
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"

	"github.com/strangler-dev/strangler/routes"
)

// routeConfiguration is the whole routing table in one virtual host, in file
// order (Envoy takes the first matching route): each route preceded by its
// preview entries, and a final catch-all sending everything else to legacy,
// so a request no route claims behaves exactly as before strangler.
func routeConfiguration(f *routes.File) *route.RouteConfiguration {
	entries := make([]*route.Route, 0, 3*len(f.Routes)+1)
	for _, r := range f.Routes {
		traffic := trafficRoute(f, r)
		enableCache(f, r, traffic) // before the shadow copy is cloned from it
		own := previewRoutes(f, r)
		if sampled := shadowRoute(f, r, traffic); sampled != nil {
			own = append(own, sampled)
		}
		own = append(own, traffic)
		entries = append(entries, withRouteFeatures(f, r, own)...)
	}
	entries = append(entries, withRouteFeatures(f, nil, []*route.Route{catchAll(f)})...)
	return &route.RouteConfiguration{
		Name: RouteConfigName,
		VirtualHosts: []*route.VirtualHost{{
			Name:    VirtualHostName,
			Domains: []string{"*"},
			Routes:  entries,
			// Only when a shadowed route can fall back (see markSides).
			IncludeAttemptCountInResponse: shadowFallback(f),
		}},
	}
}

// trafficRoute is the route file's route itself: the split, stickiness and
// the fallback retry.
func trafficRoute(f *routes.File, r *routes.Route) *route.Route {
	a := splitAction(f, r)
	applySticky(a, r.Sticky)
	// Only when the aggregate is in use: at 0 % the route is plain legacy and
	// must not start retrying Magento's own errors. In a split the policy also
	// covers the legacy share (Envoy has no per-weighted-cluster retry policy),
	// so a failed legacy GET is retried once on legacy; the cluster's retry
	// budget bounds that extra load.
	if r.Fallback && r.Percent > 0 {
		a.RetryPolicy = fallbackRetry()
	}
	return &route.Route{
		Name:   RouteName(r),
		Match:  routeMatch(r.Match),
		Action: &route.Route_Route{Route: a},
	}
}

func catchAll(f *routes.File) *route.Route {
	return &route.Route{
		Name:   CatchAllRouteName,
		Match:  &route.RouteMatch{PathSpecifier: &route.RouteMatch_Prefix{Prefix: "/"}},
		Action: &route.Route_Route{Route: clusterAction(ClusterName(f.Legacy), backendTimeout(f, f.Legacy))},
	}
}

// withRouteFeatures adds the edge features a route file route carries to all
// of its entries (preview ones included: forcing a side must not bypass a
// limit). A nil route is the catch-all.
func withRouteFeatures(f *routes.File, r *routes.Route, entries []*route.Route) []*route.Route {
	limits := routeRateLimits(f, r)
	for _, e := range entries {
		e.GetRoute().RateLimits = limits
	}
	return entries
}
