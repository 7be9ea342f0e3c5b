package admin_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/controlplane/admin"
	"github.com/strangler-dev/strangler/controlplane/xds"
	"github.com/strangler-dev/strangler/controlplane/xds/xdstest"
)

type fixture struct {
	srv  *xds.Server
	addr string // xDS gRPC address
	http *httptest.Server
}

// newFixture runs a real xDS server on gRPC and the admin API over it on a
// real HTTP server; opts.Server and opts.Gatherer are filled in.
func newFixture(t *testing.T, opts admin.Options) *fixture {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	reg := prometheus.NewRegistry()
	srv, err := xds.NewServer(ctx, xds.Options{Registerer: reg, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	opts.Server, opts.Gatherer, opts.Logger = srv, reg, slog.New(slog.DiscardHandler)
	h := httptest.NewServer(admin.NewHandler(opts))
	t.Cleanup(h.Close)
	return &fixture{srv: srv, addr: xdstest.Serve(t, srv), http: h}
}

// get fetches path and decodes its JSON body into out (unless nil).
func (f *fixture) get(t *testing.T, path string, out any) *http.Response {
	t.Helper()
	resp, err := http.Get(f.http.URL + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if out != nil {
		require.NoError(t, json.Unmarshal(body, out), "body: %s", body)
	}
	return resp
}

type errorBody struct {
	Error string `json:"error"`
}

type statusBody struct {
	Ready     bool              `json:"ready"`
	Versions  map[string]string `json:"versions"`
	LastError *struct {
		Message string    `json:"message"`
		At      time.Time `json:"at"`
	} `json:"last_error"`
	Nodes struct{ Total, Connected, Current int } `json:"nodes"`
}

func TestReadyOnlyAfterTheFirstGoodSnapshot(t *testing.T) {
	f := newFixture(t, admin.Options{})
	var health struct{ Status string }
	assert.Equal(t, http.StatusOK, f.get(t, "/healthz", &health).StatusCode)
	assert.Equal(t, "ok", health.Status)

	var e errorBody
	assert.Equal(t, http.StatusServiceUnavailable, f.get(t, "/readyz", &e).StatusCode)
	assert.Equal(t, "no configuration served yet", e.Error)

	bad := xdstest.Resources(10)
	bad.Endpoints = nil
	require.Error(t, f.srv.Update(context.Background(), bad))
	assert.Equal(t, http.StatusServiceUnavailable, f.get(t, "/readyz", &e).StatusCode)
	assert.Contains(t, e.Error, "not self-consistent", "readyz says why")
	assert.Equal(t, http.StatusOK, f.get(t, "/healthz", nil).StatusCode, "a bad file is no reason to restart")

	require.NoError(t, f.srv.Update(context.Background(), xdstest.Resources(10)))
	assert.Equal(t, http.StatusOK, f.get(t, "/readyz", nil).StatusCode)
}

func TestStatusReportsTheConfigErrorUntilFixed(t *testing.T) {
	f := newFixture(t, admin.Options{})
	ctx := context.Background()
	require.NoError(t, f.srv.Update(ctx, xdstest.Resources(10)))
	served := f.srv.Versions()

	broken := xdstest.Resources(20)
	broken.Routes = []types.Resource{xdstest.RouteConfig(xdstest.RouteConfigName, xdstest.NewCluster, "", 20)}
	require.Error(t, f.srv.Update(ctx, broken))
	var st statusBody
	require.Equal(t, http.StatusOK, f.get(t, "/api/status", &st).StatusCode)
	assert.True(t, st.Ready)
	assert.Equal(t, served, st.Versions, "the previous snapshot is still served")
	require.NotNil(t, st.LastError)
	assert.Contains(t, st.LastError.Message, `route configuration "strangler"`)
	assert.WithinDuration(t, time.Now(), st.LastError.At, time.Minute)

	require.NoError(t, f.srv.Update(ctx, xdstest.Resources(20)))
	st = statusBody{}
	f.get(t, "/api/status", &st)
	assert.Nil(t, st.LastError)
	assert.Equal(t, f.srv.Versions(), st.Versions)
	assert.NotEqual(t, served[resource.RouteType], st.Versions[resource.RouteType])
}

func TestNodesShowACKsAndNACKs(t *testing.T) {
	f := newFixture(t, admin.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, f.srv.Update(ctx, xdstest.Resources(10)))
	v1 := f.srv.Versions()
	c, err := xdstest.StartADS(ctx, xdstest.Dial(t, f.addr), xdstest.Options{
		Node:   &core.Node{Id: "edge-1"},
		Reject: xdstest.RejectAllBut(resource.RouteType, v1[resource.RouteType], "unknown cluster"),
	})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	require.NoError(t, f.srv.WaitFor(ctx, func(n []xds.Node) bool { return len(n) == 1 && len(n[0].Acked) == 4 }))
	var st statusBody
	f.get(t, "/api/status", &st)
	assert.Equal(t, 1, st.Nodes.Connected)
	assert.Equal(t, 1, st.Nodes.Current)

	require.NoError(t, f.srv.Update(ctx, xdstest.Resources(60)))
	require.NoError(t, f.srv.WaitFor(ctx, func(n []xds.Node) bool { return n[0].LastNACK != nil }))
	var body struct {
		Nodes []struct {
			ID        string            `json:"id"`
			Connected bool              `json:"connected"`
			Acked     map[string]string `json:"acked"`
			LastNACK  *struct {
				TypeURL  string `json:"type_url"`
				Version  string `json:"version"`
				Rejected string `json:"rejected_version"`
				Message  string `json:"message"`
			} `json:"last_nack"`
		} `json:"nodes"`
	}
	require.Equal(t, http.StatusOK, f.get(t, "/api/nodes", &body).StatusCode)
	require.Len(t, body.Nodes, 1)
	n := body.Nodes[0]
	assert.Equal(t, "edge-1", n.ID)
	assert.True(t, n.Connected)
	assert.Equal(t, v1, n.Acked)
	require.NotNil(t, n.LastNACK)
	assert.Equal(t, resource.RouteType, n.LastNACK.TypeURL)
	assert.Equal(t, "unknown cluster", n.LastNACK.Message)
	assert.Equal(t, v1[resource.RouteType], n.LastNACK.Version)
	assert.Equal(t, f.srv.Versions()[resource.RouteType], n.LastNACK.Rejected)

	st = statusBody{}
	f.get(t, "/api/status", &st)
	assert.Equal(t, 0, st.Nodes.Current, "the node refused the new routes")
}

func TestRoutesConfigAndMetrics(t *testing.T) {
	type view struct {
		Routes []string `json:"routes"`
	}
	rendered := []byte(`{"listeners":[],"routes":[]}`)
	f := newFixture(t, admin.Options{
		Routes: func() any { return view{Routes: []string{"catalog"}} },
		Config: func() ([]byte, error) { return rendered, nil },
	})
	require.NoError(t, f.srv.Update(context.Background(), xdstest.Resources(10)))

	var v view
	assert.Equal(t, http.StatusOK, f.get(t, "/api/routes", &v).StatusCode)
	assert.Equal(t, []string{"catalog"}, v.Routes)

	resp, err := http.Get(f.http.URL + "/api/config")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	assert.Equal(t, rendered, body)

	resp, err = http.Get(f.http.URL + "/metrics")
	require.NoError(t, err)
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), "strangler_config_valid 1")
	assert.Contains(t, string(body), `strangler_snapshot_info{type="rds",version="`+f.srv.Versions()[resource.RouteType]+`"} 1`)
}

func TestErrorsAreJSON(t *testing.T) {
	f := newFixture(t, admin.Options{
		Config: func() ([]byte, error) { return nil, errors.New("translator broke") },
	})
	var e errorBody
	assert.Equal(t, http.StatusInternalServerError, f.get(t, "/api/config", &e).StatusCode)
	assert.Equal(t, "render Envoy config: translator broke", e.Error)

	assert.Equal(t, http.StatusNotImplemented, f.get(t, "/api/routes", &e).StatusCode)
	assert.Contains(t, e.Error, "route view")

	assert.Equal(t, http.StatusNotFound, f.get(t, "/api/nope", &e).StatusCode)

	for _, path := range []string{"/api/status", "/api/nodes", "/healthz", "/metrics"} {
		resp, err := http.Post(f.http.URL+path, "application/json", strings.NewReader("{}"))
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, path)
		assert.Equal(t, "GET, HEAD", resp.Header.Get("Allow"), path)
		require.NoError(t, json.Unmarshal(body, &e), path)
		assert.Contains(t, e.Error, "POST", path)
	}
}

func TestInvalidRenderedConfigIsAnError(t *testing.T) {
	f := newFixture(t, admin.Options{Config: func() ([]byte, error) { return []byte(`{"listeners":`), nil }})
	var e errorBody
	assert.Equal(t, http.StatusInternalServerError, f.get(t, "/api/config", &e).StatusCode)
	assert.Contains(t, e.Error, "not valid JSON")
}
