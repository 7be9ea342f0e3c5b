package controlplane

import (
	"time"

	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/strangler-dev/strangler/routes"
)

// splitAction sends r.Percent of the route's traffic to the new side and the
// rest to legacy. 0 % and 100 % are plain clusters, not a weighted list with
// a zero weight: the access log and stats then name the one real cluster.
//
// Weights are basis points, so they always add up to 10000, and the new side
// comes first. Envoy picks the cluster whose interval [sum of earlier
// weights, that + own weight) holds selection % total_weight, where selection
// is the hash when use_hash_policy is set (envoy
// source/common/router/weighted_cluster_specifier.cc,
// WeightedClusterSpecifierPlugin::pickWeightedCluster: "the intervals are
// determined as [0, cluster1_weight), [cluster1_weight,
// cluster1_weight+cluster2_weight), .."). So the new side holds [0, p):
// raising p only widens it, and a sticky user already on the new side stays
// there while only legacy users move. What makes this hold is the constant
// total: with relative weights (1:2 then 1:1) the modulus would change and
// users would move in both directions. (With two clusters and a constant
// total, legacy-first would be monotonic as well; new-first is kept so the
// new share always sits at hashes [0, p).)
// total_weight is deprecated (Envoy sums the weights), so it is not set.
func splitAction(f *routes.File, r *routes.Route) *route.RouteAction {
	newSide := newSideCluster(r)
	switch r.Percent {
	case 0:
		return clusterAction(ClusterName(r.Legacy), backendTimeout(f, r.Legacy))
	case routes.Full:
		return clusterAction(newSide, newSideTimeout(f, r))
	}
	return &route.RouteAction{
		ClusterSpecifier: &route.RouteAction_WeightedClusters{WeightedClusters: &route.WeightedCluster{
			Clusters: []*route.WeightedCluster_ClusterWeight{
				{Name: newSide, Weight: wrapperspb.UInt32(uint32(r.Percent))},
				{Name: ClusterName(r.Legacy), Weight: wrapperspb.UInt32(uint32(routes.Full - r.Percent))},
			},
		}},
		Timeout: durationpb.New(max(newSideTimeout(f, r), backendTimeout(f, r.Legacy))),
	}
}

func clusterAction(cluster string, timeout time.Duration) *route.RouteAction {
	return &route.RouteAction{
		ClusterSpecifier: &route.RouteAction_Cluster{Cluster: cluster},
		Timeout:          durationpb.New(timeout),
	}
}

// newSideCluster is where the route's new share goes: the backend itself, or
// the fallback aggregate that degrades to legacy.
func newSideCluster(r *routes.Route) string {
	if r.Fallback {
		return FallbackClusterName(r.To, r.Legacy)
	}
	return ClusterName(r.To)
}

// newSideTimeout covers legacy too when fallback can hand the request over:
// Envoy's route timeout spans all attempts.
func newSideTimeout(f *routes.File, r *routes.Route) time.Duration {
	t := backendTimeout(f, r.To)
	if r.Fallback {
		t = max(t, backendTimeout(f, r.Legacy))
	}
	return t
}

func backendTimeout(f *routes.File, backend string) time.Duration {
	if t := f.Backends[backend].Timeout; t > 0 {
		return t
	}
	return routes.DefaultTimeout
}
