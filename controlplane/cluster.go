package controlplane

import (
	"time"

	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpoint "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	envoytype "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/strangler-dev/strangler/routes"
)

const connectTimeout = 5 * time.Second

// backendCluster is one Envoy cluster per backend. An all-IP backend is EDS,
// with its endpoints in a separate ClusterLoadAssignment (returned non-nil),
// so scaling a service re-sends EDS only; a backend with any DNS name is
// STRICT_DNS with the endpoints inline, since Envoy resolves names itself.
func backendCluster(b *routes.Backend) (*cluster.Cluster, *endpoint.ClusterLoadAssignment) {
	name := ClusterName(b.Name)
	c := &cluster.Cluster{
		Name:             name,
		ConnectTimeout:   durationpb.New(connectTimeout),
		HealthChecks:     healthChecks(b),
		OutlierDetection: outlierDetection(),
		CircuitBreakers:  circuitBreakers(),
	}
	if b.TLS {
		c.TransportSocket = upstreamTLS(b)
	}
	if allIP(b.Endpoints) {
		c.ClusterDiscoveryType = &cluster.Cluster_Type{Type: cluster.Cluster_EDS}
		c.EdsClusterConfig = &cluster.Cluster_EdsClusterConfig{EdsConfig: adsSource()}
		return c, loadAssignment(name, b.Endpoints)
	}
	c.ClusterDiscoveryType = &cluster.Cluster_Type{Type: cluster.Cluster_STRICT_DNS}
	c.DnsLookupFamily = cluster.Cluster_V4_PREFERRED
	c.LoadAssignment = loadAssignment(name, b.Endpoints)
	return c, nil
}

// outlierDetection ejects an endpoint after five 5xx in a row, at most half of
// a backend at a time, so a bad instance stops taking traffic between health
// checks without the whole backend ever being emptied.
func outlierDetection() *cluster.OutlierDetection {
	return &cluster.OutlierDetection{
		Consecutive_5Xx:    wrapperspb.UInt32(5),
		Interval:           durationpb.New(10 * time.Second),
		BaseEjectionTime:   durationpb.New(30 * time.Second),
		MaxEjectionPercent: wrapperspb.UInt32(50),
	}
}

// circuitBreakers raise Envoy's 1024 defaults for a shop's peak traffic and
// replace the max_retries limit (3 concurrent retries per cluster) with a
// retry budget: under load a fixed 3 would refuse most fallback retries to
// legacy exactly when the new service is failing.
func circuitBreakers() *cluster.CircuitBreakers {
	return &cluster.CircuitBreakers{Thresholds: []*cluster.CircuitBreakers_Thresholds{{
		Priority:           core.RoutingPriority_DEFAULT,
		MaxConnections:     wrapperspb.UInt32(4096),
		MaxPendingRequests: wrapperspb.UInt32(4096),
		MaxRequests:        wrapperspb.UInt32(4096),
		RetryBudget: &cluster.CircuitBreakers_Thresholds_RetryBudget{
			BudgetPercent:       &envoytype.Percent{Value: 20},
			MinRetryConcurrency: wrapperspb.UInt32(10),
		},
	}}}
}
