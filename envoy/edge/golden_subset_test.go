package edge

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	endpoint "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	listener "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// goldenResources reads every resource of every golden file the translator
// writes, so the stand-in is held to exactly what strangler emits.
func goldenResources(t *testing.T) map[string][]proto.Message {
	t.Helper()
	files, err := filepath.Glob("../../controlplane/testdata/*.golden.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	out := map[string][]proto.Message{}
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "bootstrap-") {
			continue // bootstraps are Envoy's start-up file, not xDS resources
		}
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		var doc map[string][]json.RawMessage
		require.NoError(t, json.Unmarshal(data, &doc))
		for kind, items := range doc {
			for _, raw := range items {
				a := &anypb.Any{}
				require.NoError(t, protojson.Unmarshal(raw, a), "%s %s", f, kind)
				m, err := a.UnmarshalNew()
				require.NoError(t, err)
				out[filepath.Base(f)] = append(out[filepath.Base(f)], m)
			}
		}
	}
	return out
}

// TestGoldenWithinSubset: everything the translator emits is inside the
// subset, so the stand-in never NACKs strangler's own configuration.
func TestGoldenWithinSubset(t *testing.T) {
	for file, ms := range goldenResources(t) {
		for _, m := range ms {
			require.NoError(t, checkSubset(m, file), "%s", file)
		}
	}
}

// TestGoldenCompiles: every golden resource compiles into the stand-in's
// model (values checked, not only fields).
func TestGoldenCompiles(t *testing.T) {
	for file, ms := range goldenResources(t) {
		for _, m := range ms {
			var err error
			switch v := m.(type) {
			case *listener.Listener:
				_, err = compileListener(v)
			case *route.RouteConfiguration:
				_, err = compileRouteTable(v)
			case *cluster.Cluster:
				_, err = compileCluster(v)
			case *endpoint.ClusterLoadAssignment:
				_, err = compileLoadAssignment(v, true)
			default:
				t.Fatalf("%s: unexpected %T", file, m)
			}
			require.NoError(t, err, "%s", file)
		}
	}
}

// TestShadowFilterEnabledPerRoute: the capture filter is disabled in the
// listener and enabled by the sampled routes' FilterConfig only.
func TestShadowFilterEnabledPerRoute(t *testing.T) {
	var lis *listenerSpec
	var table *routeTable
	for _, m := range goldenResources(t)["shadow.golden.json"] {
		var err error
		switch v := m.(type) {
		case *listener.Listener:
			lis, err = compileListener(v)
		case *route.RouteConfiguration:
			table, err = compileRouteTable(v)
		}
		require.NoError(t, err)
	}
	require.NotNil(t, lis)
	require.NotNil(t, table)
	require.Len(t, lis.hcm.filters, 1)
	require.True(t, lis.hcm.filters[0].disabled)
	e := &Edge{}
	enabled := map[string]int{}
	for _, r := range table.vhosts[0].routes {
		x := &exchange{lis: lis, vhost: table.vhosts[0], route: r}
		enabled[r.name] = len(e.filterChain(x))
	}
	assert.Equal(t, map[string]int{"product-api/shadow": 1, "product-api": 0, "category-api/shadow": 1, "category-api": 0,
		"cart/shadow": 1, "cart": 0, "legacy-catch-all": 0}, enabled)
}
