package xds_test

import (
	"testing"

	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/strangler-dev/strangler/controlplane/xds"
	"github.com/strangler-dev/strangler/controlplane/xds/xdstest"
)

func anys(t *testing.T, ms ...proto.Message) []*anypb.Any {
	t.Helper()
	out := make([]*anypb.Any, len(ms))
	for i, m := range ms {
		a, err := anypb.New(m)
		require.NoError(t, err)
		out[i] = a
	}
	return out
}

// What an Envoy would NACK, the clients standing in for it NACK too.
func TestDecodeResources(t *testing.T) {
	good := xdstest.Listener(xdstest.ListenerName, xdstest.RouteConfigName)
	got, err := xds.DecodeResources(resource.ListenerType, anys(t, good))
	require.NoError(t, err)
	require.Contains(t, got, xdstest.ListenerName)

	for name, c := range map[string]struct {
		url  string
		res  []proto.Message
		want string
	}{
		"another type":       {resource.ClusterType, []proto.Message{good}, "resources[0] is a type.googleapis.com/envoy.config.listener.v3.Listener in a type.googleapis.com/envoy.config.cluster.v3.Cluster response"},
		"no name":            {resource.ClusterType, []proto.Message{&cluster.Cluster{}}, "resources[0]: resource has no name"},
		"a name twice":       {resource.ListenerType, []proto.Message{good, good}, `http appears twice`},
		"invalid inside Any": {resource.ListenerType, []proto.Message{listenerWith(t, &hcm.HttpConnectionManager{})}, "invalid HttpConnectionManager.StatPrefix"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := xds.DecodeResources(c.url, anys(t, c.res...))
			require.ErrorContains(t, err, c.want)
		})
	}
}
