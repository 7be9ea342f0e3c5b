package xdstest

import (
	"cmp"
	"maps"
	"slices"

	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	listener "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"google.golang.org/protobuf/proto"
)

// dependents names what accepting resources of typeURL makes Envoy ask for
// next: EDS for every EDS cluster, RDS for every HTTP connection manager
// using RDS. Names come sorted; "" means nothing follows from typeURL.
func dependents(typeURL string, resources map[string]proto.Message) (string, []string) {
	names := map[string]bool{}
	var next string
	switch typeURL {
	case resource.ClusterType:
		next = resource.EndpointType
		for _, m := range resources {
			c := m.(*cluster.Cluster)
			if c.GetType() == cluster.Cluster_EDS {
				names[cmp.Or(c.GetEdsClusterConfig().GetServiceName(), c.GetName())] = true
			}
		}
	case resource.ListenerType:
		next = resource.RouteType
		for _, m := range resources {
			for _, chain := range m.(*listener.Listener).GetFilterChains() {
				for _, f := range chain.GetFilters() {
					mgr := &hcm.HttpConnectionManager{}
					if f.GetTypedConfig().UnmarshalTo(mgr) == nil && mgr.GetRds() != nil {
						names[mgr.GetRds().GetRouteConfigName()] = true
					}
				}
			}
		}
	default:
		return "", nil
	}
	return next, slices.Sorted(maps.Keys(names))
}
