package edge

import (
	"net"
	"strconv"
	"testing"
	"time"

	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpoint "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	listener "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	extproc "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/ext_proc/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	upstreamhttp "github.com/envoyproxy/go-control-plane/envoy/extensions/upstreams/http/v3"
	extprocsvc "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
)

// processor is a real ext_proc gRPC server whose behaviour a test supplies.
type processor struct {
	extprocsvc.UnimplementedExternalProcessorServer
	handle func(extprocsvc.ExternalProcessor_ProcessServer) error
	addr   string
}

func (p *processor) Process(s extprocsvc.ExternalProcessor_ProcessServer) error { return p.handle(s) }

func startProcessor(t *testing.T, handle func(extprocsvc.ExternalProcessor_ProcessServer) error) *processor {
	t.Helper()
	p := &processor{handle: handle}
	g := grpc.NewServer()
	extprocsvc.RegisterExternalProcessorServer(g, p)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p.addr = lis.Addr().String()
	go func() { _ = g.Serve(lis) }()
	t.Cleanup(g.Stop)
	return p
}

// answerEach is a processor that answers every message with answer(msg);
// a nil answer ends the stream.
func answerEach(answer func(*extprocsvc.ProcessingRequest) *extprocsvc.ProcessingResponse) func(extprocsvc.ExternalProcessor_ProcessServer) error {
	return func(s extprocsvc.ExternalProcessor_ProcessServer) error {
		for {
			req, err := s.Recv()
			if err != nil {
				return nil
			}
			resp := answer(req)
			if resp == nil {
				return nil
			}
			if err := s.Send(resp); err != nil {
				return err
			}
		}
	}
}

// grpcTestCluster is a STATIC HTTP/2 cluster, the shape strangler gives its
// gRPC services.
func grpcTestCluster(t *testing.T, name, addr string) *cluster.Cluster {
	t.Helper()
	host, portText, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	port, err := strconv.Atoi(portText)
	require.NoError(t, err)
	opts, err := anypb.New(&upstreamhttp.HttpProtocolOptions{UpstreamProtocolOptions: &upstreamhttp.HttpProtocolOptions_ExplicitHttpConfig_{
		ExplicitHttpConfig: &upstreamhttp.HttpProtocolOptions_ExplicitHttpConfig{ProtocolConfig: &upstreamhttp.HttpProtocolOptions_ExplicitHttpConfig_Http2ProtocolOptions{
			Http2ProtocolOptions: &core.Http2ProtocolOptions{}}}}})
	require.NoError(t, err)
	addr0 := &core.Address{Address: &core.Address_SocketAddress{SocketAddress: &core.SocketAddress{
		Address: host, PortSpecifier: &core.SocketAddress_PortValue{PortValue: uint32(port)},
	}}}
	lb := &endpoint.LbEndpoint{HostIdentifier: &endpoint.LbEndpoint_Endpoint{Endpoint: &endpoint.Endpoint{Address: addr0}}}
	return &cluster.Cluster{
		Name: name, ConnectTimeout: durationpb.New(time.Second),
		ClusterDiscoveryType: &cluster.Cluster_Type{Type: cluster.Cluster_STATIC},
		LoadAssignment: &endpoint.ClusterLoadAssignment{ClusterName: name,
			Endpoints: []*endpoint.LocalityLbEndpoints{{LbEndpoints: []*endpoint.LbEndpoint{lb}}}},
		TypedExtensionProtocolOptions: map[string]*anypb.Any{httpProtocolOptionsKey: opts},
	}
}

// extProcFilter is an ext_proc HttpFilter calling cluster.
func extProcFilter(t *testing.T, name, clusterName string, cfg *extproc.ExternalProcessor) *hcm.HttpFilter {
	t.Helper()
	cfg = proto.Clone(cfg).(*extproc.ExternalProcessor)
	cfg.GrpcService = &core.GrpcService{TargetSpecifier: &core.GrpcService_EnvoyGrpc_{EnvoyGrpc: &core.GrpcService_EnvoyGrpc{ClusterName: clusterName}}}
	a, err := anypb.New(cfg)
	require.NoError(t, err)
	return &hcm.HttpFilter{Name: name, ConfigType: &hcm.HttpFilter_TypedConfig{TypedConfig: a}}
}

// addFilters puts filters before the router of the plane's listener and
// adds their clusters.
func (p *directPlane) addFilters(t *testing.T, clusters []*cluster.Cluster, filters ...*hcm.HttpFilter) {
	t.Helper()
	l := proto.Clone(p.res.Listeners[0]).(*listener.Listener)
	f := l.FilterChains[0].Filters[0]
	mgr := &hcm.HttpConnectionManager{}
	require.NoError(t, f.GetTypedConfig().UnmarshalTo(mgr))
	mgr.HttpFilters = append(append([]*hcm.HttpFilter{}, filters...), mgr.HttpFilters...)
	a, err := anypb.New(mgr)
	require.NoError(t, err)
	f.ConfigType = &listener.Filter_TypedConfig{TypedConfig: a}
	p.res.Listeners[0] = l
	for _, c := range clusters {
		p.res.Clusters = append(p.res.Clusters, c)
	}
	sortByName(p.res.Clusters)
}
