package xdstest

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	endpoint "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	listener "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// decode unpacks and validates resources as Envoy does before applying them:
// a wrong type, an undecodable body or a ValidateAll failure is a NACK.
func decode(typeURL string, anys []*anypb.Any) (map[string]proto.Message, error) {
	out := make(map[string]proto.Message, len(anys))
	for _, a := range anys {
		if a.GetTypeUrl() != typeURL {
			return nil, fmt.Errorf("resource of type %s in a %s response", a.GetTypeUrl(), typeURL)
		}
		m, err := a.UnmarshalNew()
		if err != nil {
			return nil, fmt.Errorf("decode %s: %w", typeURL, err)
		}
		if v, ok := m.(interface{ ValidateAll() error }); ok {
			if err := v.ValidateAll(); err != nil {
				return nil, err
			}
		}
		out[resourceName(m)] = m
	}
	return out, nil
}

func resourceName(m proto.Message) string {
	switch v := m.(type) {
	case *endpoint.ClusterLoadAssignment:
		return v.GetClusterName()
	case interface{ GetName() string }:
		return v.GetName()
	}
	return ""
}

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
