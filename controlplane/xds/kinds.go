package xds

import (
	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"

	"github.com/strangler-dev/strangler/controlplane"
)

// kind is one xDS resource type strangler serves.
type kind struct {
	url   string // type URL, the key Envoy and go-control-plane use
	short string // metric label: the xDS service name operators know
	noun  string // for error messages
	of    func(*controlplane.Resources) []types.Resource
}

// served lists the types in Envoy's make-before-break order (CDS, EDS, LDS,
// RDS), so anything iterating it reports in the order Envoy applies them.
var served = []kind{
	{resource.ClusterType, "cds", "cluster", func(r *controlplane.Resources) []types.Resource { return r.Clusters }},
	{resource.EndpointType, "eds", "cluster load assignment", func(r *controlplane.Resources) []types.Resource { return r.Endpoints }},
	{resource.ListenerType, "lds", "listener", func(r *controlplane.Resources) []types.Resource { return r.Listeners }},
	{resource.RouteType, "rds", "route configuration", func(r *controlplane.Resources) []types.Resource { return r.Routes }},
}

// shortType names a type URL for metric labels; types strangler does not
// serve keep their URL so nothing is hidden.
func shortType(url string) string {
	for _, k := range served {
		if k.url == url {
			return k.short
		}
	}
	return url
}
