package edge

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	"github.com/strangler-dev/strangler/controlplane"
	"github.com/strangler-dev/strangler/controlplane/xds"
	"github.com/strangler-dev/strangler/controlplane/xds/xdstest"
	"github.com/strangler-dev/strangler/routes"
)

// TestACKsStranglerConfig: the edge ACKs every type the real control plane
// serves, at the versions it serves.
func TestACKsStranglerConfig(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	r := startRig(t, twoBackendFile(legacy, newer, splitRoute))
	srv := r.run.ControlPlane.XDS
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	want := srv.Versions()
	require.Len(t, want, 4)
	require.NoError(t, srv.WaitFor(ctx, func(nodes []xds.Node) bool {
		n, ok := srv.Node("edge-" + t.Name())
		return ok && n.LastNACK == nil && mapsEqual(n.Acked, want)
	}), "node state: %+v", nodeState(srv, "edge-"+t.Name()))
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func nodeState(srv *xds.Server, id string) xds.Node {
	n, _ := srv.Node(id)
	return n
}

// directPlane is strangler's xDS server driven by hand, for configuration a
// route file cannot produce.
type directPlane struct {
	srv  *xds.Server
	addr string
	res  *controlplane.Resources
}

func startDirectPlane(t *testing.T, file string) *directPlane {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv, res := newPlane(ctx, t, file)
	p := &directPlane{srv: srv, addr: xdstest.Serve(t, srv), res: res}
	p.push(t)
	return p
}

// newPlane is an xDS server, not serving yet, and the translation of a
// route file for it.
func newPlane(ctx context.Context, t *testing.T, file string) (*xds.Server, *controlplane.Resources) {
	t.Helper()
	srv, err := xds.NewServer(ctx, xds.Options{Logger: testLogger()})
	require.NoError(t, err)
	f, err := routes.Parse("routes.yaml", []byte(file))
	require.NoError(t, err)
	res, err := controlplane.Translate(f)
	require.NoError(t, err)
	return srv, res
}

func (p *directPlane) push(t *testing.T) {
	t.Helper()
	require.NoError(t, p.srv.Update(context.Background(), p.res))
}

func (p *directPlane) routeConfig() *route.RouteConfiguration {
	return p.res.Routes[0].(*route.RouteConfiguration)
}

// TestNACKOutsideSubset: a RouteConfiguration with a redirect action is
// outside the subset. The edge NACKs it with an error_detail naming the
// field, keeps its previous RDS version and keeps serving it.
func TestNACKOutsideSubset(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	p := startDirectPlane(t, twoBackendFile(legacy, newer, splitRoute))
	e := startEdge(t, p.addr, "edge-nack")
	url := "http://" + e.Addr().String()
	good := p.srv.Versions()[resource.RouteType]

	rc := proto.Clone(p.routeConfig()).(*route.RouteConfiguration)
	vh := rc.VirtualHosts[0]
	vh.Routes = append([]*route.Route{{
		Name:   "moved",
		Match:  &route.RouteMatch{PathSpecifier: &route.RouteMatch_Prefix{Prefix: "/old"}},
		Action: &route.Route_Redirect{Redirect: &route.RedirectAction{PathRewriteSpecifier: &route.RedirectAction_PathRedirect{PathRedirect: "/new"}}},
	}}, vh.Routes...)
	p.res.Routes[0] = rc
	p.push(t)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, p.srv.WaitFor(ctx, func([]xds.Node) bool {
		n, _ := p.srv.Node("edge-nack")
		return n.LastNACK != nil
	}))
	n, _ := p.srv.Node("edge-nack")
	assert.Equal(t, resource.RouteType, n.LastNACK.TypeURL)
	assert.Equal(t, good, n.LastNACK.Version, "the NACK names the version still running")
	assert.Contains(t, n.LastNACK.Message, "redirect")
	assert.Contains(t, n.LastNACK.Message, "routes[0]")
	assert.Equal(t, good, n.Acked[resource.RouteType])

	status, _, _ := get(t, url+"/old", nil)
	assert.Equal(t, http.StatusOK, status, "the previous route table (catch-all to legacy) still serves")
}

// TestUnknownClusterAndNoRoute: a route to a cluster the edge does not have
// answers cluster_not_found_response_code (503 by default), a request no
// route matches 404 (route_not_found).
func TestUnknownClusterAndNoRoute(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	p := startDirectPlane(t, twoBackendFile(legacy, newer, splitRoute))
	rc := proto.Clone(p.routeConfig()).(*route.RouteConfiguration)
	vh := rc.VirtualHosts[0]
	ghost := &route.Route{
		Name:   "ghost",
		Match:  &route.RouteMatch{PathSpecifier: &route.RouteMatch_Prefix{Prefix: "/ghost"}},
		Action: &route.Route_Route{Route: &route.RouteAction{ClusterSpecifier: &route.RouteAction_Cluster{Cluster: "ghost"}}},
	}
	ghost404 := proto.Clone(ghost).(*route.Route)
	ghost404.Name, ghost404.Match = "ghost-404", &route.RouteMatch{PathSpecifier: &route.RouteMatch_Prefix{Prefix: "/gone"}}
	ghost404.GetRoute().ClusterNotFoundResponseCode = route.RouteAction_NOT_FOUND
	// Drop the catch-all so some paths match nothing.
	vh.Routes = append([]*route.Route{ghost, ghost404}, vh.Routes[:len(vh.Routes)-1]...)
	p.res.Routes[0] = rc
	p.push(t)
	e := startEdge(t, p.addr, "edge-ghost")
	url := "http://" + e.Addr().String()

	status, _, _ := get(t, url+"/ghost/x", nil)
	assert.Equal(t, http.StatusServiceUnavailable, status)
	status, _, _ = get(t, url+"/gone", nil)
	assert.Equal(t, http.StatusNotFound, status)
	status, body, _ := get(t, url+"/checkout", nil)
	assert.Equal(t, http.StatusNotFound, status)
	assert.Empty(t, strings.TrimSpace(body))
	_, body, _ = get(t, url+"/rest/V1/products/1", nil)
	assert.Contains(t, []string{"legacy", "new"}, body, "the real route still works")
}

// TestReconnectKeepsServingThenTakesNewConfig: when the control plane goes
// away the edge keeps serving the configuration it accepted, and when a
// control plane answers again on the same address the edge subscribes anew
// (its back-off loop) and takes that one's configuration.
func TestReconnectKeepsServingThenTakesNewConfig(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	routeAt := func(percent int) string {
		return strings.Replace(splitRoute, "percent: 25", fmt.Sprintf("percent: %d", percent), 1)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// servePlane runs a control plane with the file's configuration on
	// addr ("" for a free port) and returns it, its address and its stop.
	servePlane := func(addr, file string) (*xds.Server, string, func()) {
		srv, res := newPlane(ctx, t, file)
		require.NoError(t, srv.Update(ctx, res))
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		lis, err := net.Listen("tcp", addr)
		require.NoError(t, err)
		g := grpc.NewServer(xds.GRPCServerOptions()...)
		srv.Register(g)
		go func() { _ = g.Serve(lis) }()
		t.Cleanup(g.Stop)
		return srv, lis.Addr().String(), g.Stop
	}
	acked := func(srv *xds.Server) {
		t.Helper()
		want := srv.Versions()
		require.NoError(t, srv.WaitFor(ctx, func([]xds.Node) bool {
			n, ok := srv.Node("edge-reconnect")
			return ok && n.Connected && mapsEqual(n.Acked, want)
		}), "node state: %+v", nodeState(srv, "edge-reconnect"))
	}
	bodies := func(url string) map[string]int {
		seen := map[string]int{}
		for range 20 {
			status, body, _ := get(t, url+"/rest/V1/products/1", nil)
			require.Equal(t, http.StatusOK, status)
			seen[body]++
		}
		return seen
	}

	first, addr, stop := servePlane("", twoBackendFile(legacy, newer, routeAt(0)))
	e := startEdge(t, addr, "edge-reconnect")
	url := "http://" + e.Addr().String()
	acked(first)
	assert.Equal(t, map[string]int{"legacy": 20}, bodies(url))

	stop()
	assert.Equal(t, map[string]int{"legacy": 20}, bodies(url), "the accepted configuration keeps serving without a control plane")

	second, _, _ := servePlane(addr, twoBackendFile(legacy, newer, routeAt(100)))
	acked(second)
	assert.Equal(t, map[string]int{"new": 20}, bodies(url), "the new control plane's configuration")
}
