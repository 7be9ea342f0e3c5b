package edge

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/controlplane/serve"
	"github.com/strangler-dev/strangler/controlplane/serve/servetest"
)

// testLogger keeps test output readable; set EDGE_TEST_LOG=1 to see it.
func testLogger() *slog.Logger {
	if os.Getenv("EDGE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// rig is the real control plane (controlplane/serve) watching a route file
// in a temp dir, with an edge subscribed to it.
type rig struct {
	t    testing.TB
	path string
	run  *serve.Running
	edge *Edge
	url  string
}

func startRig(t testing.TB, routeFile string) *rig {
	t.Helper()
	r := &rig{t: t, path: servetest.WriteRouteFile(t, routeFile)}
	r.run = servetest.Start(t, serve.Options{RoutesPath: r.path, Debounce: 20 * time.Millisecond, Logger: testLogger(), Edges: []string{}})
	r.edge = startEdge(t, r.run.XDSAddr.String(), "edge-"+t.Name())
	r.url = "http://" + r.edge.Addr().String()
	return r
}

// startEdge runs an edge against an xDS server until the test ends and
// waits for its first full configuration.
func startEdge(t testing.TB, xdsAddr, node string) *Edge {
	t.Helper()
	return startEdgeWith(t, Options{XDS: xdsAddr, NodeID: node, Cluster: "edge", Logger: testLogger(), ListenOverride: "127.0.0.1:0"})
}

func startEdgeWith(t testing.TB, opts Options) *Edge {
	t.Helper()
	e, err := New(opts)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	select {
	case <-e.Ready():
	case err := <-done:
		t.Fatalf("edge ended before it was ready: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("edge not ready after 20s")
	}
	return e
}

// edit rewrites the route file the way editors save it (write, rename).
func (r *rig) edit(from, to string) {
	r.t.Helper()
	data, err := os.ReadFile(r.path)
	require.NoError(r.t, err)
	require.Contains(r.t, string(data), from)
	tmp := r.path + ".tmp"
	require.NoError(r.t, os.WriteFile(tmp, []byte(strings.Replace(string(data), from, to, 1)), 0o644))
	require.NoError(r.t, os.Rename(tmp, r.path))
}

// backend is a real HTTP server that says who it is.
type backend struct {
	*httptest.Server
	name string
	mu   sync.Mutex
	hits int
	last *http.Request
	fail int // answer this status instead of 200 when set
	// health answers /healthz (200 when unset); probes are not hits.
	health   int
	delay    time.Duration
	gate     chan struct{} // when set, requests wait for it to close
	lastBody []byte
}

func newBackend(t testing.TB, name string) *backend {
	t.Helper()
	b := &backend{name: name}
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		if r.URL.Path == "/healthz" {
			status := b.health
			b.mu.Unlock()
			if status != 0 {
				w.WriteHeader(status)
			}
			return
		}
		b.hits++
		b.last = r.Clone(context.Background())
		status, delay, gate := b.fail, b.delay, b.gate
		b.mu.Unlock()
		if gate != nil {
			<-gate
		}
		body, _ := io.ReadAll(r.Body)
		b.mu.Lock()
		b.lastBody = body
		b.mu.Unlock()
		time.Sleep(delay)
		w.Header().Set("X-Backend", name)
		if status != 0 {
			w.WriteHeader(status)
		}
		fmt.Fprint(w, name)
	}))
	t.Cleanup(b.Close)
	return b
}

func (b *backend) hostPort() string { return b.Listener.Addr().String() }

func (b *backend) setFail(status int) {
	b.mu.Lock()
	b.fail = status
	b.mu.Unlock()
}

func (b *backend) setHealth(status int) {
	b.mu.Lock()
	b.health = status
	b.mu.Unlock()
}

func (b *backend) hitCount() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.hits
}

func (b *backend) lastRequest() *http.Request {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.last
}

// get sends one request through the edge and returns status, the backend
// that answered and the response.
func get(t *testing.T, url string, header http.Header) (int, string, *http.Response) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode, string(body), resp
}

// twoBackendFile is a route file with legacy and new backends and one route.
func twoBackendFile(legacy, newer *backend, route string) string {
	return fmt.Sprintf(`version: 1
listen: 127.0.0.1:10000
legacy: magento
backends:
  magento: {endpoints: [%s]}
  catalog: {endpoints: [%s]}
routes:
%s`, legacy.hostPort(), newer.hostPort(), route)
}
