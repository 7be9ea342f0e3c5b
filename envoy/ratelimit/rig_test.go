package ratelimit

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	commonrl "github.com/envoyproxy/go-control-plane/envoy/extensions/common/ratelimit/v3"
	rlsv3 "github.com/envoyproxy/go-control-plane/envoy/service/ratelimit/v3"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/strangler-dev/strangler/internal/loadtest"
	"github.com/strangler-dev/strangler/internal/promtest"
)

// rig is a Service behind a real gRPC server, called through Envoy's
// generated ratelimit v3 client.
type rig struct {
	t      testing.TB
	svc    *Service
	reg    *prometheus.Registry
	client rlsv3.RateLimitServiceClient
}

func testLogger() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

func newRig(t testing.TB, cfg Config, r Redis) *rig {
	t.Helper()
	reg := prometheus.NewRegistry()
	svc := newService(t, cfg, r, reg)
	return &rig{t: t, svc: svc, reg: reg, client: serve(t, svc, 1)[0]}
}

// newService is New, closed when the test ends.
func newService(t testing.TB, cfg Config, r Redis, reg prometheus.Registerer) *Service {
	t.Helper()
	svc, err := New(cfg, r, reg, testLogger())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(svc.Close)
	return svc
}

// serve starts a gRPC server for svc on a loopback port and dials it with
// conns separate HTTP/2 connections.
func serve(t testing.TB, svc *Service, conns int) []rlsv3.RateLimitServiceClient {
	t.Helper()
	srv := grpc.NewServer()
	svc.Register(srv)
	return serveRaw(t, srv, conns)
}

// serveRaw serves srv on a loopback port and dials it conns times.
func serveRaw(t testing.TB, srv *grpc.Server, conns int) []rlsv3.RateLimitServiceClient {
	t.Helper()
	addr := loadtest.Serve(t, srv)
	out := make([]rlsv3.RateLimitServiceClient, conns)
	for i := range out {
		cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cc.Close() })
		out[i] = rlsv3.NewRateLimitServiceClient(cc)
	}
	return out
}

// desc builds the descriptor the lead's translator emits for a limit.
func desc(id string, kv ...string) *commonrl.RateLimitDescriptor {
	d := &commonrl.RateLimitDescriptor{Entries: []*commonrl.RateLimitDescriptor_Entry{{Key: "limit", Value: id}}}
	if len(kv) == 2 {
		d.Entries = append(d.Entries, &commonrl.RateLimitDescriptor_Entry{Key: kv[0], Value: kv[1]})
	}
	return d
}

func (r *rig) call(ds ...*commonrl.RateLimitDescriptor) *rlsv3.RateLimitResponse {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := r.client.ShouldRateLimit(ctx, &rlsv3.RateLimitRequest{Domain: "strangler", Descriptors: ds})
	if err != nil {
		r.t.Fatalf("ShouldRateLimit: %v", err)
	}
	if len(resp.GetStatuses()) != len(ds) {
		r.t.Fatalf("%d statuses for %d descriptors", len(resp.GetStatuses()), len(ds))
	}
	return resp
}

func (r *rig) decisions(limit, result string) float64 {
	return metricValue(r.t, r.reg, "strangler_ratelimit_decisions_total", "limit", limit, "result", result)
}

// metricValue reads a counter, gauge or histogram sample count from reg;
// labels are name/value pairs that must all match.
func metricValue(t testing.TB, reg prometheus.Gatherer, name string, labels ...string) float64 {
	t.Helper()
	return promtest.Value(t, reg, name, promtest.Pairs(labels...))
}

// cfg is a config with a generous Redis deadline: these tests are about
// decisions, on a machine busy with -race.
func cfg(ls ...Limit) Config {
	return Config{Limits: limits(ls...), RedisTimeout: 2 * time.Second}
}

func retryAfter(resp *rlsv3.RateLimitResponse) string {
	for _, h := range resp.GetResponseHeadersToAdd() {
		if h.GetKey() == "retry-after" {
			return h.GetValue()
		}
	}
	return ""
}

func limits(ls ...Limit) map[string]Limit {
	m := map[string]Limit{}
	for _, l := range ls {
		m[l.ID] = l
	}
	return m
}
