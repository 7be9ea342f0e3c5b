package controlplane

import (
	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	aggregate "github.com/envoyproxy/go-control-plane/envoy/extensions/clusters/aggregate/v3"
	previous "github.com/envoyproxy/go-control-plane/envoy/extensions/retry/priority/previous_priorities/v3"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// Fallback (route.fallback: true) makes a failing new service degrade to
// legacy instead of failing the request. Two Envoy pieces do it together:
//
//  1. an aggregate cluster listing [to, legacy]. Envoy's aggregate cluster
//     linearises the priority levels of its clusters in list order (to's
//     levels first, then legacy's), so legacy is the next priority after to
//     (Envoy docs, arch_overview/upstream/aggregate_cluster: "The ordering of
//     these clusters in the clusters list implicitly defines the fallback
//     priority"; cluster_type envoy.clusters.aggregate, lb_policy
//     CLUSTER_PROVIDED as in the docs' example). On its own this only moves
//     traffic when to's hosts are unhealthy (health checks, outlier ejection).
//  2. a route retry policy with the previous_priorities retry priority: a
//     retry excludes the priority already attempted, so the one retry goes to
//     legacy at once, on the very request that failed, before any health
//     check notices. The aggregate load balancer asks the request's retry
//     priority for the load over its linearised priorities before choosing a
//     cluster (Envoy source/extensions/clusters/aggregate/cluster.cc,
//     AggregateClusterLoadBalancer::LoadBalancerImpl::chooseHost, mapping hosts
//     back with hostToLinearizedPriority); that came with envoyproxy/envoy#11102
//     (fixing #11021). The docs' older note that "PriorityLoad retry plugins
//     won't work for aggregate cluster" predates that change.
//
// The route file only allows fallback on GET/HEAD/OPTIONS routes, since a
// retried POST could run twice.

const (
	aggregateClusterType     = "envoy.clusters.aggregate"
	previousPrioritiesPlugin = "envoy.retry_priorities.previous_priorities"
	fallbackRetryOn          = "5xx,reset,connect-failure"
)

// fallbackCluster is the aggregate trying to first and legacy second. It
// exists whenever a route sets fallback, even at 0 %, so that moving the
// percent later changes RDS only, not CDS. It needs the retry budget as much
// as the backends do: the router counts a route's retries against the
// circuit breakers of the cluster the route names, which is the aggregate,
// and Envoy's default there (3 concurrent retries) would refuse most
// fallbacks under load.
func fallbackCluster(to, legacy string) *cluster.Cluster {
	return &cluster.Cluster{
		Name:            FallbackClusterName(to, legacy),
		ConnectTimeout:  durationpb.New(connectTimeout),
		LbPolicy:        cluster.Cluster_CLUSTER_PROVIDED,
		CircuitBreakers: circuitBreakers(),
		ClusterDiscoveryType: &cluster.Cluster_ClusterType{ClusterType: &cluster.Cluster_CustomClusterType{
			Name: aggregateClusterType,
			TypedConfig: typed(&aggregate.ClusterConfig{
				Clusters: []string{ClusterName(to), ClusterName(legacy)},
			}),
		}},
	}
}

// fallbackRetry retries once; update_frequency 1 recomputes the priority
// load after every attempt, so the first retry already skips to's priority.
func fallbackRetry() *route.RetryPolicy {
	return &route.RetryPolicy{
		RetryOn:    fallbackRetryOn,
		NumRetries: wrapperspb.UInt32(1),
		RetryPriority: &route.RetryPolicy_RetryPriority{
			Name: previousPrioritiesPlugin,
			ConfigType: &route.RetryPolicy_RetryPriority_TypedConfig{
				TypedConfig: typed(&previous.PreviousPrioritiesConfig{UpdateFrequency: 1}),
			},
		},
	}
}
