package controlplane

import (
	"testing"

	bootstrap "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	upstreamhttp "github.com/envoyproxy/go-control-plane/envoy/extensions/upstreams/http/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"
)

// parseBootstrap reads the bytes back the way `envoy -c file.json` does
// (strict JSON to proto, unknown fields rejected) and validates the whole
// tree, typed configs included.
func parseBootstrap(t *testing.T, js []byte) *bootstrap.Bootstrap {
	t.Helper()
	b := &bootstrap.Bootstrap{}
	require.NoError(t, protojson.Unmarshal(js, b))
	require.NoError(t, validateDeep(b))
	return b
}

func TestStaticBootstrap(t *testing.T) {
	res := translate(t, exampleFile())
	js, err := Bootstrap(res, 9902)
	require.NoError(t, err)
	b := parseBootstrap(t, js)

	assert.Nil(t, b.DynamicResources, "runs without a control plane")
	assert.Equal(t, "127.0.0.1", b.Admin.Address.GetSocketAddress().Address)
	assert.Equal(t, uint32(9902), b.Admin.Address.GetSocketAddress().GetPortValue())

	require.Len(t, b.StaticResources.Listeners, 1)
	mgr := &hcm.HttpConnectionManager{}
	require.NoError(t, b.StaticResources.Listeners[0].FilterChains[0].Filters[0].GetTypedConfig().UnmarshalTo(mgr))
	require.Nil(t, mgr.GetRds())
	require.NotNil(t, mgr.GetRouteConfig())
	assert.Equal(t, RouteConfigName, mgr.GetRouteConfig().Name)
	assert.Len(t, mgr.GetRouteConfig().VirtualHosts[0].Routes, 6)

	for _, c := range b.StaticResources.Clusters {
		assert.NotEqual(t, cluster.Cluster_EDS, c.GetType(), c.Name)
		assert.Nil(t, c.EdsClusterConfig, c.Name)
		if c.GetClusterType() == nil {
			assert.NotEmpty(t, c.LoadAssignment.GetEndpoints(), c.Name)
		}
	}
	assert.Len(t, b.StaticResources.Clusters, len(res.Clusters))

	// The input resources are untouched (cloned, not edited in place).
	assert.Equal(t, cluster.Cluster_EDS, findCluster(res, "catalog").GetType())
}

func TestStaticBootstrapNeedsItsReferences(t *testing.T) {
	res := translate(t, exampleFile())
	res.Endpoints = nil
	_, err := Bootstrap(res, 9901)
	require.ErrorContains(t, err, "no load assignment")

	res = translate(t, exampleFile())
	res.Routes = nil
	_, err = Bootstrap(res, 9901)
	require.ErrorContains(t, err, `route config "strangler"`)
}

func TestADSBootstrap(t *testing.T) {
	js, err := ADSBootstrap("strangler.internal", 18000, "edge-1", "edge")
	require.NoError(t, err)
	b := parseBootstrap(t, js)

	assert.Equal(t, "edge-1", b.Node.Id)
	assert.Equal(t, "edge", b.Node.Cluster)
	ads := b.DynamicResources.AdsConfig
	assert.Equal(t, core.ApiConfigSource_GRPC, ads.ApiType)
	assert.Equal(t, core.ApiVersion_V3, ads.TransportApiVersion)
	assert.Equal(t, XDSClusterName, ads.GrpcServices[0].GetEnvoyGrpc().ClusterName)
	for _, cs := range []*core.ConfigSource{b.DynamicResources.CdsConfig, b.DynamicResources.LdsConfig} {
		assert.NotNil(t, cs.GetAds())
		assert.Equal(t, core.ApiVersion_V3, cs.ResourceApiVersion)
	}
	assert.Equal(t, uint32(9901), b.Admin.Address.GetSocketAddress().GetPortValue())
	assert.Equal(t, "127.0.0.1", b.Admin.Address.GetSocketAddress().Address)

	require.Len(t, b.StaticResources.Clusters, 1)
	xds := b.StaticResources.Clusters[0]
	assert.Equal(t, XDSClusterName, xds.Name)
	assert.Equal(t, cluster.Cluster_STRICT_DNS, xds.GetType())
	sa := xds.LoadAssignment.Endpoints[0].LbEndpoints[0].GetEndpoint().Address.GetSocketAddress()
	assert.Equal(t, "strangler.internal", sa.Address)
	assert.Equal(t, uint32(18000), sa.GetPortValue())
	opts := &upstreamhttp.HttpProtocolOptions{}
	require.NoError(t, xds.TypedExtensionProtocolOptions["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"].UnmarshalTo(opts))
	assert.NotNil(t, opts.GetExplicitHttpConfig().GetHttp2ProtocolOptions(), "gRPC needs HTTP/2")
}

func TestADSBootstrapRejectsMissingParts(t *testing.T) {
	for _, tc := range []struct {
		host          string
		port          uint32
		node, cluster string
	}{{"", 18000, "n", "c"}, {"h", 0, "n", "c"}, {"h", 70000, "n", "c"}, {"h", 18000, "", "c"}, {"h", 18000, "n", ""}} {
		_, err := ADSBootstrap(tc.host, tc.port, tc.node, tc.cluster)
		assert.Error(t, err, "%+v", tc)
	}
}
