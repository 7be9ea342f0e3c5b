package xds_test

import (
	"bytes"
	"context"
	"github.com/strangler-dev/strangler/internal/promtest"
	"log/slog"
	"sync"
	"testing"
	"time"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	"github.com/strangler-dev/strangler/controlplane/xds"
	"github.com/strangler-dev/strangler/controlplane/xds/xdstest"
)

// grace is how long a test keeps listening after the response it waited for,
// to see that nothing else arrives.
const grace = 300 * time.Millisecond

// harness is a real xDS server on a real gRPC listener on loopback, with a
// client connection to it.
type harness struct {
	srv  *xds.Server
	reg  *prometheus.Registry
	addr string
	conn *grpc.ClientConn
	logs *lockedBuffer
}

func newHarness(tb testing.TB) *harness {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	tb.Cleanup(cancel)
	logs := &lockedBuffer{}
	reg := prometheus.NewRegistry()
	srv, err := xds.NewServer(ctx, xds.Options{
		Registerer: reg,
		Logger:     slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo})),
	})
	require.NoError(tb, err)
	addr := xdstest.Serve(tb, srv)
	return &harness{srv: srv, reg: reg, addr: addr, conn: xdstest.Dial(tb, addr), logs: logs}
}

// envoy starts a state-of-the-world ADS client for node id, closed at cleanup.
func (h *harness) envoy(tb testing.TB, id string, opts xdstest.Options) *xdstest.Client {
	tb.Helper()
	return h.envoyOn(tb, h.conn, id, opts)
}

// envoyOn is envoy on a given connection.
func (h *harness) envoyOn(tb testing.TB, conn *grpc.ClientConn, id string, opts xdstest.Options) *xdstest.Client {
	tb.Helper()
	opts.Node = &core.Node{Id: id, Cluster: "edge"}
	c, err := xdstest.StartADS(context.Background(), conn, opts)
	require.NoError(tb, err)
	tb.Cleanup(c.Close)
	return c
}

// deltaEnvoy starts a delta ADS client for node id, closed at cleanup.
func (h *harness) deltaEnvoy(tb testing.TB, id string, opts xdstest.Options) *xdstest.Client {
	tb.Helper()
	opts.Node = &core.Node{Id: id, Cluster: "edge"}
	c, err := xdstest.StartDelta(context.Background(), h.conn, opts)
	require.NoError(tb, err)
	tb.Cleanup(c.Close)
	return c
}

// metric reads one sample from the server's registry; 0 when absent.
func (h *harness) metric(tb testing.TB, name string, labels map[string]string) float64 {
	tb.Helper()
	return promtest.Value(tb, h.reg, name, labels)
}

func waitCtx(tb testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
