package controlplane

import (
	"errors"
	"fmt"

	bootstrap "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"

	"github.com/strangler-dev/strangler/routes"
)

// DefaultAdminPort is where the ADS bootstrap puts Envoy's admin interface.
const DefaultAdminPort = 9901

const httpProtocolOptionsKey = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"

// ADSBootstrap is the file Envoy starts with in production: who it is (node
// id and cluster, which the control plane logs and tracks ACKs by) and where
// to get everything else, listeners and clusters over one ADS stream to
// strangler at xdsHost:xdsPort. Routes and endpoints then follow over the same
// stream, as the listener and clusters name them.
func ADSBootstrap(xdsHost string, xdsPort uint32, nodeID, nodeCluster string) ([]byte, error) {
	switch {
	case xdsHost == "":
		return nil, errors.New("ads bootstrap: no control plane host")
	case xdsPort == 0 || xdsPort > 65535:
		return nil, fmt.Errorf("ads bootstrap: control plane port %d is not in 1..65535", xdsPort)
	case nodeID == "" || nodeCluster == "":
		return nil, errors.New("ads bootstrap: node id and cluster are required")
	}
	return renderBootstrap(adsBootstrap(routes.Address{Host: xdsHost, Port: xdsPort}, nodeID, nodeCluster))
}

func adsBootstrap(xds routes.Address, nodeID, nodeCluster string) *bootstrap.Bootstrap {
	return &bootstrap.Bootstrap{
		Node: &core.Node{Id: nodeID, Cluster: nodeCluster},
		DynamicResources: &bootstrap.Bootstrap_DynamicResources{
			AdsConfig: &core.ApiConfigSource{
				ApiType:             core.ApiConfigSource_GRPC,
				TransportApiVersion: core.ApiVersion_V3,
				GrpcServices: []*core.GrpcService{{TargetSpecifier: &core.GrpcService_EnvoyGrpc_{
					EnvoyGrpc: &core.GrpcService_EnvoyGrpc{ClusterName: XDSClusterName},
				}}},
			},
			CdsConfig: adsSource(),
			LdsConfig: adsSource(),
		},
		StaticResources: &bootstrap.Bootstrap_StaticResources{Clusters: []*cluster.Cluster{xdsCluster(xds)}},
		Admin:           localAdmin(DefaultAdminPort),
	}
}

// xdsCluster reaches the control plane (see grpcCluster).
func xdsCluster(xds routes.Address) *cluster.Cluster {
	return grpcCluster(XDSClusterName, xds)
}
