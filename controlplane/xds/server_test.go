package xds_test

import (
	"maps"
	"testing"
	"time"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	clusterservice "github.com/envoyproxy/go-control-plane/envoy/service/cluster/v3"
	discovery "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/controlplane/xds"
	"github.com/strangler-dev/strangler/controlplane/xds/xdstest"
)

var allTypes = []string{resource.ClusterType, resource.EndpointType, resource.ListenerType, resource.RouteType}

func responseCounts(c *xdstest.Client) map[string]int {
	out := map[string]int{}
	for _, url := range allTypes {
		out[url] = c.Responses(url)
	}
	return out
}

// catalogWeight is the weight the client's route configuration gives the new
// backend.
func catalogWeight(t *testing.T, c *xdstest.Client) uint32 {
	t.Helper()
	rc, ok := c.Resources(resource.RouteType)[xdstest.RouteConfigName].(*route.RouteConfiguration)
	require.True(t, ok, "client holds no route configuration %q", xdstest.RouteConfigName)
	w := rc.GetVirtualHosts()[0].GetRoutes()[0].GetRoute().GetWeightedClusters().GetClusters()[0]
	require.Equal(t, xdstest.NewCluster, w.GetName())
	return w.GetWeight().GetValue()
}

// assertOnlyRDSPushed checks that between two responseCounts exactly one RDS
// response arrived and nothing else.
func assertOnlyRDSPushed(t *testing.T, before, after map[string]int) {
	t.Helper()
	for _, url := range allTypes {
		want := before[url]
		if url == resource.RouteType {
			want++
		}
		assert.Equal(t, want, after[url], "%s responses", url)
	}
}

func nodeAcked(id string, want map[string]string) func([]xds.Node) bool {
	return func(nodes []xds.Node) bool {
		for _, n := range nodes {
			if n.ID == id {
				return maps.Equal(n.Acked, want)
			}
		}
		return false
	}
}

func TestADSClientGetsEveryTypeThenOnlyTheChangedRoute(t *testing.T) {
	h := newHarness(t)
	ctx := waitCtx(t)
	require.NoError(t, h.srv.Update(ctx, xdstest.Resources(10)))
	v1 := h.srv.Versions()
	require.Len(t, v1, 4)

	c := h.envoy(t, "envoy-1", xdstest.Options{})
	require.NoError(t, c.WaitVersions(ctx, v1))
	require.NoError(t, h.srv.WaitFor(ctx, nodeAcked("envoy-1", v1)))
	assert.Len(t, c.Resources(resource.ClusterType), 2)
	assert.Len(t, c.Resources(resource.EndpointType), 2, "EDS names come from the clusters")
	assert.Equal(t, uint32(10), catalogWeight(t, c))
	before := responseCounts(c)

	require.NoError(t, h.srv.Update(ctx, xdstest.Resources(20)))
	v2 := h.srv.Versions()
	for _, url := range allTypes {
		if url == resource.RouteType {
			assert.NotEqual(t, v1[url], v2[url], "a percent change must change the RDS version")
		} else {
			assert.Equal(t, v1[url], v2[url], "a percent change must leave %s alone", url)
		}
	}
	require.NoError(t, c.WaitVersions(ctx, v2))
	time.Sleep(grace)
	assertOnlyRDSPushed(t, before, responseCounts(c))
	assert.Equal(t, uint32(20), catalogWeight(t, c))
	require.NoError(t, h.srv.WaitFor(ctx, nodeAcked("envoy-1", v2)))

	assert.Equal(t, 2.0, h.metric(t, "strangler_xds_pushes_total", map[string]string{"type": "rds"}))
	assert.Equal(t, 1.0, h.metric(t, "strangler_xds_pushes_total", map[string]string{"type": "cds"}))
	assert.Equal(t, 1.0, h.metric(t, "strangler_snapshot_info", map[string]string{"type": "rds", "version": v2[resource.RouteType]}))
	assert.Equal(t, 0.0, h.metric(t, "strangler_snapshot_info", map[string]string{"type": "rds", "version": v1[resource.RouteType]}))
	assert.Equal(t, 2.0, h.metric(t, "strangler_snapshot_build_seconds", nil))
}

func TestNACKIsRecordedAndTheNodeKeepsItsVersion(t *testing.T) {
	h := newHarness(t)
	ctx := waitCtx(t)
	require.NoError(t, h.srv.Update(ctx, xdstest.Resources(10)))
	v1 := h.srv.Versions()
	const reason = "route: unknown cluster 'catalog'"
	c := h.envoy(t, "envoy-1", xdstest.Options{Reject: xdstest.RejectAllBut(resource.RouteType, v1[resource.RouteType], reason)})
	require.NoError(t, c.WaitVersions(ctx, v1))
	require.NoError(t, h.srv.WaitFor(ctx, nodeAcked("envoy-1", v1)))

	require.NoError(t, h.srv.Update(ctx, xdstest.Resources(30)))
	v2 := h.srv.Versions()
	require.NoError(t, h.srv.WaitFor(ctx, func(nodes []xds.Node) bool {
		return len(nodes) == 1 && nodes[0].LastNACK != nil
	}))
	n, ok := h.srv.Node("envoy-1")
	require.True(t, ok)
	nack := n.LastNACK
	assert.Equal(t, resource.RouteType, nack.TypeURL)
	assert.Equal(t, reason, nack.Message)
	assert.Equal(t, v1[resource.RouteType], nack.Version, "the node still runs the old routes")
	assert.Equal(t, v2[resource.RouteType], nack.Rejected)
	assert.NotEmpty(t, nack.Nonce)
	assert.False(t, nack.At.IsZero())
	assert.Equal(t, v1, n.Acked, "a NACK is not an ACK")
	assert.Equal(t, v1[resource.RouteType], c.Version(resource.RouteType))
	assert.Equal(t, 1.0, h.metric(t, "strangler_xds_nacks_total", map[string]string{"node": "envoy-1", "type": "rds"}))
	assert.Contains(t, h.logs.String(), "node rejected config; it keeps serving its last accepted version")
	assert.Contains(t, h.logs.String(), reason)

	assertNoResend(t, h, c, "envoy-1")
}

// assertNoResend checks that a NACKed version is not sent again while the
// config stays as it is, and that the next config does reach the node.
func assertNoResend(t *testing.T, h *harness, c *xdstest.Client, node string) {
	t.Helper()
	nacks := map[string]string{"node": node, "type": "rds"}
	rds := c.Responses(resource.RouteType)
	time.Sleep(grace)
	assert.Equal(t, rds, c.Responses(resource.RouteType), "the rejected version was sent again")
	assert.Equal(t, 1.0, h.metric(t, "strangler_xds_nacks_total", nacks))

	require.NoError(t, h.srv.Update(waitCtx(t), xdstest.Resources(70)))
	next := h.srv.Versions()[resource.RouteType]
	require.NoError(t, h.srv.WaitFor(waitCtx(t), func(nodes []xds.Node) bool {
		for _, n := range nodes {
			if n.ID == node {
				return n.LastNACK.Rejected == next
			}
		}
		return false
	}), "the next version is sent, and judged")
	assert.Equal(t, 2.0, h.metric(t, "strangler_xds_nacks_total", nacks))
	require.NoError(t, c.Wait(waitCtx(t), func() bool { return c.Responses(resource.RouteType) == rds+1 }))
	time.Sleep(grace)
	assert.Equal(t, rds+1, c.Responses(resource.RouteType), "the next version was sent again")
}

func TestNodeStaysConnectedUntilItsLastStreamCloses(t *testing.T) {
	h := newHarness(t)
	ctx := waitCtx(t)
	require.NoError(t, h.srv.Update(ctx, xdstest.Resources(10)))
	a := h.envoy(t, "envoy-1", xdstest.Options{})
	b := h.envoy(t, "envoy-1", xdstest.Options{})
	c := h.envoy(t, "envoy-2", xdstest.Options{})
	streams := func(id string, want int, connected bool) func([]xds.Node) bool {
		return func(nodes []xds.Node) bool {
			for _, n := range nodes {
				if n.ID == id {
					return n.Streams == want && n.Connected == connected
				}
			}
			return false
		}
	}
	require.NoError(t, h.srv.WaitFor(ctx, streams("envoy-1", 2, true)))
	require.NoError(t, h.srv.WaitFor(ctx, streams("envoy-2", 1, true)))
	assert.Equal(t, 2.0, h.metric(t, "strangler_xds_connected_nodes", nil))
	first, _ := h.srv.Node("envoy-1")
	assert.Equal(t, "edge", first.Cluster)

	a.Close()
	require.NoError(t, h.srv.WaitFor(ctx, streams("envoy-1", 1, true)))
	again, _ := h.srv.Node("envoy-1")
	assert.Equal(t, first.ConnectedAt, again.ConnectedAt, "still the same connection period")
	b.Close()
	require.NoError(t, h.srv.WaitFor(ctx, streams("envoy-1", 0, false)))
	assert.Equal(t, 1.0, h.metric(t, "strangler_xds_connected_nodes", nil))
	c.Close()
	require.NoError(t, h.srv.WaitFor(ctx, streams("envoy-2", 0, false)))
	assert.Equal(t, 0.0, h.metric(t, "strangler_xds_connected_nodes", nil))
	assert.Len(t, h.srv.Nodes(), 2, "disconnected nodes stay listed")
}

func TestDeltaClientGetsEveryTypeAndACKs(t *testing.T) {
	h := newHarness(t)
	ctx := waitCtx(t)
	require.NoError(t, h.srv.Update(ctx, xdstest.Resources(10)))
	v1 := h.srv.Versions()
	d := h.deltaEnvoy(t, "envoy-delta", xdstest.Options{})

	require.NoError(t, d.WaitVersions(ctx, v1))
	assert.Len(t, d.Resources(resource.EndpointType), 2)
	assert.Contains(t, d.Resources(resource.RouteType), xdstest.RouteConfigName)
	require.NoError(t, h.srv.WaitFor(ctx, nodeAcked("envoy-delta", v1)))
	before := responseCounts(d)

	require.NoError(t, h.srv.Update(ctx, xdstest.Resources(40)))
	v2 := h.srv.Versions()
	require.NoError(t, d.WaitVersions(ctx, v2))
	require.NoError(t, h.srv.WaitFor(ctx, nodeAcked("envoy-delta", v2)))
	time.Sleep(grace)
	assertOnlyRDSPushed(t, before, responseCounts(d))
	assert.Equal(t, 1.0, h.metric(t, "strangler_xds_connected_nodes", nil))
}

func TestDeltaNACKKeepsTheAckedVersion(t *testing.T) {
	h := newHarness(t)
	ctx := waitCtx(t)
	require.NoError(t, h.srv.Update(ctx, xdstest.Resources(10)))
	v1 := h.srv.Versions()
	d := h.deltaEnvoy(t, "envoy-delta", xdstest.Options{
		Reject: xdstest.RejectAllBut(resource.RouteType, v1[resource.RouteType], "rejected by test"),
	})
	require.NoError(t, h.srv.WaitFor(ctx, nodeAcked("envoy-delta", v1)))

	require.NoError(t, h.srv.Update(ctx, xdstest.Resources(50)))
	require.NoError(t, h.srv.WaitFor(ctx, func(nodes []xds.Node) bool { return nodes[0].LastNACK != nil }))
	n, _ := h.srv.Node("envoy-delta")
	assert.Equal(t, v1[resource.RouteType], n.LastNACK.Version)
	assert.Equal(t, h.srv.Versions()[resource.RouteType], n.LastNACK.Rejected)
	assert.Equal(t, "rejected by test", n.LastNACK.Message)
	assert.Equal(t, v1, n.Acked)

	assertNoResend(t, h, d, "envoy-delta")
}

func TestRejectedConfigKeepsServingThePreviousSnapshot(t *testing.T) {
	h := newHarness(t)
	ctx := waitCtx(t)
	require.NoError(t, h.srv.Update(ctx, xdstest.Resources(10)))
	v1 := h.srv.Versions()
	c := h.envoy(t, "envoy-1", xdstest.Options{})
	require.NoError(t, c.WaitVersions(ctx, v1))
	before := responseCounts(c)

	emptyCluster := xdstest.Resources(20)
	emptyCluster.Routes = []types.Resource{xdstest.RouteConfig(xdstest.RouteConfigName, xdstest.NewCluster, "", 20)}
	err := h.srv.Update(ctx, emptyCluster)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `route configuration "strangler"`)
	assert.Contains(t, err.Error(), "still serving the previous snapshot")
	require.NotNil(t, h.srv.LastError())
	assert.ErrorContains(t, h.srv.LastError().Err, `route configuration "strangler"`)
	assert.Equal(t, 0.0, h.metric(t, "strangler_config_valid", nil))

	missingRoute := xdstest.Resources(20)
	missingRoute.Listeners = []types.Resource{xdstest.Listener(xdstest.ListenerName, "elsewhere")}
	err = h.srv.Update(ctx, missingRoute)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not self-consistent")

	assert.Equal(t, v1, h.srv.Versions())
	assert.True(t, h.srv.Ready())
	assert.Equal(t, 2.0, h.metric(t, "strangler_config_errors_total", nil))
	time.Sleep(grace)
	assert.Equal(t, before, responseCounts(c), "nothing is pushed for a rejected config")
	assert.Equal(t, v1[resource.RouteType], c.Version(resource.RouteType))

	require.NoError(t, h.srv.Update(ctx, xdstest.Resources(20)))
	assert.Nil(t, h.srv.LastError(), "a good config clears the error")
	assert.Equal(t, 1.0, h.metric(t, "strangler_config_valid", nil))
	require.NoError(t, c.WaitVersions(ctx, h.srv.Versions()))
}

func TestNotReadyUntilAGoodSnapshot(t *testing.T) {
	h := newHarness(t)
	ctx := waitCtx(t)
	assert.False(t, h.srv.Ready())
	assert.Empty(t, h.srv.Versions())
	bad := xdstest.Resources(10)
	bad.Endpoints = nil // clusters are EDS, so Consistent wants their endpoints
	err := h.srv.Update(ctx, bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nothing served yet")
	assert.False(t, h.srv.Ready())
	require.NoError(t, h.srv.Update(ctx, xdstest.Resources(10)))
	assert.True(t, h.srv.Ready())
}

// Envoys configured without ADS use one service per type; Register must
// serve those too.
func TestPerTypeClusterDiscovery(t *testing.T) {
	h := newHarness(t)
	ctx := waitCtx(t)
	require.NoError(t, h.srv.Update(ctx, xdstest.Resources(10)))
	stream, err := clusterservice.NewClusterDiscoveryServiceClient(h.conn).StreamClusters(ctx)
	require.NoError(t, err)
	require.NoError(t, stream.Send(&discovery.DiscoveryRequest{Node: &core.Node{Id: "cds-only"}}))
	resp, err := stream.Recv()
	require.NoError(t, err)
	assert.Equal(t, h.srv.Versions()[resource.ClusterType], resp.GetVersionInfo())
	assert.Len(t, resp.GetResources(), 2)
}

// TestReconnectedNodeGetsTheCurrentConfig: an Envoy that lost its
// connection (a restart, a network break) while a percent moved gets the
// current version of every type on its new connection, without replaying
// what it missed, and is listed as connected again from the new time.
func TestReconnectedNodeGetsTheCurrentConfig(t *testing.T) {
	h := newHarness(t)
	ctx := waitCtx(t)
	require.NoError(t, h.srv.Update(ctx, xdstest.Resources(10)))
	v1 := h.srv.Versions()
	conn := xdstest.Dial(t, h.addr)
	first := h.envoyOn(t, conn, "envoy-1", xdstest.Options{})
	require.NoError(t, first.WaitVersions(ctx, v1))
	require.NoError(t, h.srv.WaitFor(ctx, nodeAcked("envoy-1", v1)))
	before, _ := h.srv.Node("envoy-1")

	require.NoError(t, conn.Close()) // the connection drops under the stream
	require.NoError(t, h.srv.WaitFor(ctx, func(nodes []xds.Node) bool {
		return len(nodes) == 1 && !nodes[0].Connected
	}))
	require.NoError(t, h.srv.Update(ctx, xdstest.Resources(30)))
	v2 := h.srv.Versions()
	require.NotEqual(t, v1[resource.RouteType], v2[resource.RouteType])

	again := h.envoyOn(t, xdstest.Dial(t, h.addr), "envoy-1", xdstest.Options{})
	require.NoError(t, again.WaitVersions(ctx, v2))
	require.NoError(t, h.srv.WaitFor(ctx, nodeAcked("envoy-1", v2)))
	assert.Equal(t, uint32(30), catalogWeight(t, again))
	for _, url := range allTypes {
		assert.Equal(t, 1, again.Responses(url), "%s: one response on the new stream, the current one", url)
	}
	after, _ := h.srv.Node("envoy-1")
	assert.True(t, after.Connected)
	assert.True(t, after.ConnectedAt.After(before.ConnectedAt), "a new connection period")
	assert.Len(t, h.srv.Nodes(), 1, "the same node, not a second one")
}
