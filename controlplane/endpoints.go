package controlplane

import (
	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpoint "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"

	"github.com/strangler-dev/strangler/routes"
)

func socketAddress(a routes.Address) *core.Address {
	return &core.Address{Address: &core.Address_SocketAddress{SocketAddress: &core.SocketAddress{
		Protocol:      core.SocketAddress_TCP,
		Address:       a.Host,
		PortSpecifier: &core.SocketAddress_PortValue{PortValue: a.Port},
	}}}
}

// loadAssignment lists a cluster's endpoints in file order, all in one
// locality and priority: the route file has no notion of zones, and fallback
// between backends is the aggregate cluster's job, not priorities'.
func loadAssignment(cluster string, addrs []routes.Address) *endpoint.ClusterLoadAssignment {
	lbs := make([]*endpoint.LbEndpoint, 0, len(addrs))
	for _, a := range addrs {
		lbs = append(lbs, &endpoint.LbEndpoint{HostIdentifier: &endpoint.LbEndpoint_Endpoint{
			Endpoint: &endpoint.Endpoint{Address: socketAddress(a)},
		}})
	}
	return &endpoint.ClusterLoadAssignment{
		ClusterName: LoadAssignmentName(cluster),
		Endpoints:   []*endpoint.LocalityLbEndpoints{{LbEndpoints: lbs}},
	}
}

// allIP reports whether a backend can be an EDS cluster: Envoy resolves no
// names for EDS endpoints, so one DNS name makes the backend STRICT_DNS.
func allIP(addrs []routes.Address) bool {
	for _, a := range addrs {
		if !a.IsIP() {
			return false
		}
	}
	return true
}
