// Package xdstest holds test parts for strangler's xDS server: xDS clients
// that behave as Envoy does on an ADS stream (state-of-the-world and delta),
// and small hand-built configurations to serve them.
package xdstest

import (
	"fmt"
	"time"

	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpoint "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	listener "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	router "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/strangler-dev/strangler/controlplane"
)

// Names used by Resources.
const (
	ListenerName    = "http"
	RouteConfigName = "strangler"
	NewCluster      = "catalog"
	LegacyCluster   = "magento"
)

// Resources is a small valid configuration: listener "http" whose HTTP
// connection manager takes route configuration "strangler" from ADS, which
// sends percent of /catalog to cluster "catalog" and the rest, and everything
// else, to "magento"; both clusters are EDS with one endpoint each.
func Resources(percent uint32) *controlplane.Resources {
	return &controlplane.Resources{
		Listeners: []types.Resource{Listener(ListenerName, RouteConfigName)},
		Routes:    []types.Resource{RouteConfig(RouteConfigName, NewCluster, LegacyCluster, percent)},
		Clusters:  []types.Resource{Cluster(NewCluster), Cluster(LegacyCluster)},
		Endpoints: []types.Resource{Endpoints(NewCluster, 8081), Endpoints(LegacyCluster, 8080)},
	}
}

func ads() *core.ConfigSource {
	return &core.ConfigSource{
		ResourceApiVersion:    core.ApiVersion_V3,
		ConfigSourceSpecifier: &core.ConfigSource_Ads{Ads: &core.AggregatedConfigSource{}},
	}
}

func pack(m proto.Message) *anypb.Any {
	a, err := anypb.New(m)
	if err != nil {
		panic(fmt.Sprintf("xdstest: pack %T: %v", m, err))
	}
	return a
}

// Listener listens on 0.0.0.0:10000 with an HTTP connection manager that
// takes route configuration rds from ADS.
func Listener(name, rds string) *listener.Listener {
	mgr := &hcm.HttpConnectionManager{
		StatPrefix: "ingress_http",
		RouteSpecifier: &hcm.HttpConnectionManager_Rds{Rds: &hcm.Rds{
			ConfigSource: ads(), RouteConfigName: rds,
		}},
		HttpFilters: []*hcm.HttpFilter{{
			Name:       "envoy.filters.http.router",
			ConfigType: &hcm.HttpFilter_TypedConfig{TypedConfig: pack(&router.Router{})},
		}},
	}
	return &listener.Listener{
		Name: name,
		Address: &core.Address{Address: &core.Address_SocketAddress{SocketAddress: &core.SocketAddress{
			Address: "0.0.0.0", PortSpecifier: &core.SocketAddress_PortValue{PortValue: 10000},
		}}},
		FilterChains: []*listener.FilterChain{{Filters: []*listener.Filter{{
			Name:       "envoy.filters.network.http_connection_manager",
			ConfigType: &listener.Filter_TypedConfig{TypedConfig: pack(mgr)},
		}}}},
	}
}

// RouteConfig splits /catalog between newCluster (percent) and legacy, and
// sends everything else to legacy.
func RouteConfig(name, newCluster, legacy string, percent uint32) *route.RouteConfiguration {
	split := &route.Route{
		Name:  "catalog",
		Match: &route.RouteMatch{PathSpecifier: &route.RouteMatch_Prefix{Prefix: "/catalog"}},
		Action: &route.Route_Route{Route: &route.RouteAction{ClusterSpecifier: &route.RouteAction_WeightedClusters{
			WeightedClusters: &route.WeightedCluster{Clusters: []*route.WeightedCluster_ClusterWeight{
				{Name: newCluster, Weight: wrapperspb.UInt32(percent)},
				{Name: legacy, Weight: wrapperspb.UInt32(100 - percent)},
			}},
		}}},
	}
	rest := &route.Route{
		Name:   "legacy-catch-all",
		Match:  &route.RouteMatch{PathSpecifier: &route.RouteMatch_Prefix{Prefix: "/"}},
		Action: &route.Route_Route{Route: &route.RouteAction{ClusterSpecifier: &route.RouteAction_Cluster{Cluster: legacy}}},
	}
	return &route.RouteConfiguration{
		Name: name,
		VirtualHosts: []*route.VirtualHost{{
			Name: name, Domains: []string{"*"}, Routes: []*route.Route{split, rest},
		}},
	}
}

// Cluster is an EDS cluster fed over ADS.
func Cluster(name string) *cluster.Cluster {
	return &cluster.Cluster{
		Name:                 name,
		ConnectTimeout:       durationpb.New(time.Second),
		ClusterDiscoveryType: &cluster.Cluster_Type{Type: cluster.Cluster_EDS},
		EdsClusterConfig:     &cluster.Cluster_EdsClusterConfig{EdsConfig: ads()},
	}
}

// Endpoints is cluster's one endpoint, 127.0.0.1:port.
func Endpoints(cluster string, port uint32) *endpoint.ClusterLoadAssignment {
	return &endpoint.ClusterLoadAssignment{
		ClusterName: cluster,
		Endpoints: []*endpoint.LocalityLbEndpoints{{LbEndpoints: []*endpoint.LbEndpoint{{
			HostIdentifier: &endpoint.LbEndpoint_Endpoint{Endpoint: &endpoint.Endpoint{
				Address: &core.Address{Address: &core.Address_SocketAddress{SocketAddress: &core.SocketAddress{
					Address: "127.0.0.1", PortSpecifier: &core.SocketAddress_PortValue{PortValue: port},
				}}},
			}},
		}}}},
	}
}
