package xds_test

import (
	"slices"
	"testing"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	listener "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/strangler-dev/strangler/controlplane"
	"github.com/strangler-dev/strangler/controlplane/xds"
	"github.com/strangler-dev/strangler/controlplane/xds/xdstest"
)

func versions(t *testing.T, res *controlplane.Resources) map[string]string {
	t.Helper()
	snap, err := xds.NewSnapshot(res)
	require.NoError(t, err)
	out := map[string]string{}
	for _, url := range allTypes {
		out[url] = snap.GetVersion(url)
		assert.NotEmpty(t, out[url], url)
	}
	return out
}

// A restarted control plane builds its snapshot from new proto values; the
// versions must come out the same so connected Envoys are sent nothing.
func TestSnapshotVersionsDependOnContentOnly(t *testing.T) {
	first := versions(t, xdstest.Resources(25))
	again := versions(t, xdstest.Resources(25))
	assert.Equal(t, first, again)

	reordered := xdstest.Resources(25)
	slices.Reverse(reordered.Clusters)
	slices.Reverse(reordered.Endpoints)
	assert.Equal(t, first, versions(t, reordered), "slice order is not content")

	moved := versions(t, xdstest.Resources(26))
	for _, url := range allTypes {
		if url == resource.RouteType {
			assert.NotEqual(t, first[url], moved[url])
		} else {
			assert.Equal(t, first[url], moved[url], url)
		}
	}
}

func TestSnapshotRejects(t *testing.T) {
	cases := map[string]struct {
		change func(*controlplane.Resources)
		want   string
	}{
		"route with an empty cluster": {
			change: func(r *controlplane.Resources) {
				r.Routes = []types.Resource{xdstest.RouteConfig(xdstest.RouteConfigName, xdstest.NewCluster, "", 5)}
			},
			want: `route configuration "strangler": invalid RouteConfiguration.VirtualHosts[0]`,
		},
		// Only the deep check sees into the HTTP connection manager's Any.
		"connection manager without stat_prefix": {
			change: func(r *controlplane.Resources) {
				r.Listeners = []types.Resource{listenerWith(t, &hcm.HttpConnectionManager{})}
			},
			want: `listener "http": .filter_chains[0].filters[0].typed_config (type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager): invalid HttpConnectionManager.StatPrefix`,
		},
		"typed config of a type not linked in": {
			change: func(r *controlplane.Resources) {
				l := xdstest.Listener(xdstest.ListenerName, xdstest.RouteConfigName)
				l.FilterChains[0].Filters[0].GetTypedConfig().TypeUrl = "type.googleapis.com/no.such.Filter"
				r.Listeners = []types.Resource{l}
			},
			want: `listener "http": .filter_chains[0].filters[0].typed_config: cannot unpack type.googleapis.com/no.such.Filter`,
		},
		"listener naming a route configuration not served": {
			change: func(r *controlplane.Resources) {
				r.Listeners = []types.Resource{xdstest.Listener(xdstest.ListenerName, "other")}
			},
			want: `snapshot is not self-consistent`,
		},
		"endpoints for no cluster": {
			change: func(r *controlplane.Resources) {
				r.Endpoints = append(r.Endpoints, xdstest.Endpoints("orphan", 9000))
			},
			want: `snapshot is not self-consistent`,
		},
		"two clusters with one name": {
			change: func(r *controlplane.Resources) { r.Clusters = append(r.Clusters, xdstest.Cluster(xdstest.NewCluster)) },
			want:   `cluster "catalog" is defined twice`,
		},
		"a cluster in the listener list": {
			change: func(r *controlplane.Resources) { r.Listeners = append(r.Listeners, xdstest.Cluster("x")) },
			want:   `listener #1 is a envoy.config.cluster.v3.Cluster`,
		},
		"a nameless cluster": {
			change: func(r *controlplane.Resources) { r.Clusters[0] = xdstest.Cluster("") },
			want:   `cluster #0 has no name`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			res := xdstest.Resources(5)
			tc.change(res)
			_, err := xds.NewSnapshot(res)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	_, err := xds.NewSnapshot(nil)
	assert.Error(t, err)
}

func listenerWith(t *testing.T, mgr *hcm.HttpConnectionManager) *listener.Listener {
	t.Helper()
	mgr.RouteSpecifier = &hcm.HttpConnectionManager_Rds{Rds: &hcm.Rds{
		RouteConfigName: xdstest.RouteConfigName,
		ConfigSource:    &core.ConfigSource{ConfigSourceSpecifier: &core.ConfigSource_Ads{Ads: &core.AggregatedConfigSource{}}},
	}}
	a, err := anypb.New(mgr)
	require.NoError(t, err)
	l := xdstest.Listener(xdstest.ListenerName, xdstest.RouteConfigName)
	l.FilterChains[0].Filters[0].ConfigType = &listener.Filter_TypedConfig{TypedConfig: a}
	return l
}
