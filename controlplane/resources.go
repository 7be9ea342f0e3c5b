// Package controlplane turns a route file into Envoy configuration and serves
// it to Envoy over ADS: the pure translator (one file per feature), the
// snapshots, the xDS server, node tracking and the admin API.
package controlplane

import "github.com/envoyproxy/go-control-plane/pkg/cache/types"

// Resources is everything Envoy gets for one route file, per xDS type, each
// list sorted by resource name so output is deterministic.
type Resources struct {
	Listeners []types.Resource // *listener.Listener
	Routes    []types.Resource // *route.RouteConfiguration
	Clusters  []types.Resource // *cluster.Cluster
	Endpoints []types.Resource // *endpoint.ClusterLoadAssignment
}
