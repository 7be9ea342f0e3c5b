package controlplane

import "github.com/strangler-dev/strangler/routes"

// Resource names. Envoy links resources by name (the listener's HCM names its
// RouteConfiguration, routes name clusters, EDS names load assignments), so
// these are the only place names are made; later features (rate limit, cache,
// shadow) and any xDS-driven Envoy stand-in use these functions rather than
// spelling names themselves.
//
//   - listener: "http"
//   - RouteConfiguration and its single virtual host: "strangler"
//   - cluster per backend: the backend name itself. Backend names are
//     [a-z0-9-]+, so every generated name below carries an '_' and can never
//     collide with a backend.
//   - ClusterLoadAssignment: the name of the cluster it feeds
//   - fallback aggregate cluster: "fallback_<to>_<legacy>"
//   - route entries: the route name; its preview entries "<name>/preview-new"
//     and "<name>/preview-legacy"; the final catch-all "legacy-catch-all"
//     (route names follow the backend name rule, so '/' cannot collide either)
//   - the control plane's own cluster in Envoy's bootstrap: "strangler_xds"
const (
	ListenerName        = "http"
	RouteConfigName     = "strangler"
	VirtualHostName     = "strangler"
	CatchAllRouteName   = "legacy-catch-all"
	XDSClusterName      = "strangler_xds"
	previewNewSuffix    = "/preview-new"
	previewLegacySuffix = "/preview-legacy"
)

// ClusterName is the Envoy cluster serving a backend.
func ClusterName(backend string) string { return backend }

// LoadAssignmentName is the EDS resource feeding an EDS cluster.
func LoadAssignmentName(cluster string) string { return cluster }

// FallbackClusterName is the aggregate cluster that tries to and then legacy.
func FallbackClusterName(to, legacy string) string { return "fallback_" + to + "_" + legacy }

// RouteName is the route entry for a route-file route.
func RouteName(r *routes.Route) string { return r.Name }

// PreviewRouteName is the entry forcing side (routes.PreviewNew or
// routes.PreviewLegacy) for a route with a preview header.
func PreviewRouteName(r *routes.Route, side string) string {
	if side == routes.PreviewNew {
		return r.Name + previewNewSuffix
	}
	return r.Name + previewLegacySuffix
}
