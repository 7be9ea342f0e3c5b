package controlplane

import (
	"time"

	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	upstreamhttp "github.com/envoyproxy/go-control-plane/envoy/extensions/upstreams/http/v3"
	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/strangler-dev/strangler/routes"
)

// grpcCluster reaches one of strangler's own gRPC services (the xDS server,
// the rate limit service, the cache and shadow capture): gRPC needs HTTP/2,
// and STRICT_DNS lets the address be a service name that moves (an IP literal
// resolves to itself). TCP keepalive lets Envoy notice a peer that vanished
// without closing the connection, instead of waiting on a dead stream.
func grpcCluster(name string, addr routes.Address) *cluster.Cluster {
	return &cluster.Cluster{
		Name:                 name,
		ConnectTimeout:       durationpb.New(connectTimeout),
		ClusterDiscoveryType: &cluster.Cluster_Type{Type: cluster.Cluster_STRICT_DNS},
		DnsLookupFamily:      cluster.Cluster_V4_PREFERRED,
		LoadAssignment:       loadAssignment(name, []routes.Address{addr}),
		TypedExtensionProtocolOptions: map[string]*anypb.Any{
			httpProtocolOptionsKey: typed(&upstreamhttp.HttpProtocolOptions{
				UpstreamProtocolOptions: &upstreamhttp.HttpProtocolOptions_ExplicitHttpConfig_{
					ExplicitHttpConfig: &upstreamhttp.HttpProtocolOptions_ExplicitHttpConfig{
						ProtocolConfig: &upstreamhttp.HttpProtocolOptions_ExplicitHttpConfig_Http2ProtocolOptions{
							Http2ProtocolOptions: &core.Http2ProtocolOptions{},
						},
					},
				},
			}),
		},
		UpstreamConnectionOptions: &cluster.UpstreamConnectionOptions{TcpKeepalive: &core.TcpKeepalive{
			KeepaliveTime:     wrapperspb.UInt32(30),
			KeepaliveInterval: wrapperspb.UInt32(10),
			KeepaliveProbes:   wrapperspb.UInt32(3),
		}},
	}
}

// grpcService points a filter at one of those clusters.
func grpcService(clusterName string) *core.GrpcService {
	return &core.GrpcService{TargetSpecifier: &core.GrpcService_EnvoyGrpc_{
		EnvoyGrpc: &core.GrpcService_EnvoyGrpc{ClusterName: clusterName},
	}}
}

// serviceClusters are the clusters of strangler's edge services the file uses.
func serviceClusters(f *routes.File) []types.Resource {
	var out []types.Resource
	if f.RateLimit != nil {
		out = append(out, grpcCluster(RateLimitClusterName, f.RateLimit.Address))
	}
	if f.CacheService != nil && cached(f) {
		out = append(out, grpcCluster(CacheClusterName, f.CacheService.Address))
	}
	if f.ShadowService != nil && shadowed(f) {
		out = append(out, grpcCluster(ShadowCaptureClusterName, f.ShadowService.Address), mirrorCluster(f.ShadowService.Address))
	}
	return out
}

// mirrorCluster receives the request mirror: plain HTTP/1.1, short connect
// timeout, since a mirror nobody waits for must not pile up connections.
func mirrorCluster(addr routes.Address) *cluster.Cluster {
	return &cluster.Cluster{
		Name:                 ShadowClusterName,
		ConnectTimeout:       durationpb.New(time.Second),
		ClusterDiscoveryType: &cluster.Cluster_Type{Type: cluster.Cluster_STRICT_DNS},
		DnsLookupFamily:      cluster.Cluster_V4_PREFERRED,
		LoadAssignment:       loadAssignment(ShadowClusterName, []routes.Address{addr}),
		CircuitBreakers:      circuitBreakers(),
	}
}
