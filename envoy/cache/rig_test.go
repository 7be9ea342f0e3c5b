package cache

import (
	"context"
	"fmt"
	"github.com/strangler-dev/strangler/internal/promtest"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/rueidis"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/strangler-dev/strangler/internal/redisconn"
	"github.com/strangler-dev/strangler/internal/redistest"
)

// origin is a real HTTP server standing in for Magento. It counts the
// requests that reach it.
type origin struct {
	srv     *httptest.Server
	fetches atomic.Int64
	mu      sync.Mutex
	handle  http.HandlerFunc
}

func newOrigin(t testing.TB, h http.HandlerFunc) *origin {
	o := &origin{handle: h}
	o.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.fetches.Add(1)
		o.mu.Lock()
		h := o.handle
		o.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(o.srv.Close)
	return o
}

func (o *origin) set(h http.HandlerFunc) {
	o.mu.Lock()
	o.handle = h
	o.mu.Unlock()
}

// page answers like a cacheable Magento page: public, s-maxage, tags, and
// a body naming the path and the fetch number.
func page(tags string) http.HandlerFunc {
	var n atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=60, s-maxage=60")
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		if tags != "" {
			w.Header().Set("X-Magento-Tags", tags)
		}
		fmt.Fprintf(w, "page %s fetch %d", r.URL.RequestURI(), n.Add(1))
	}
}

// rig is one Service served on a loopback port through Serve (gRPC and
// PURGE on one listener), with a Redis client from redisconn.
type rig struct {
	t      testing.TB
	redis  *redistest.Server
	client rueidis.Client
	svc    *Service
	reg    *prometheus.Registry
	addr   string
	conn   *grpc.ClientConn
	origin *origin
}

func testLogger() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// startRig starts a Service on srv (a new redis-server when nil).
func startRig(t testing.TB, cfg Config, srv *redistest.Server, o *origin) *rig {
	t.Helper()
	if srv == nil {
		srv = redistest.Start(t)
	}
	r := startRigOn(t, cfg, redisconn.Config{Address: "redis://" + srv.Addr()}, o)
	r.redis = srv
	return r
}

// startRigOn starts a Service on the Redis that rc names.
func startRigOn(t testing.TB, cfg Config, rc redisconn.Config, o *origin) *rig {
	t.Helper()
	client, closeClient, err := redisconn.Open(context.Background(), rc, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeClient)
	reg := prometheus.NewRegistry()
	svc, err := New(cfg, client, reg, testLogger())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(svc.Close)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- svc.Serve(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	conn, err := grpc.NewClient(l.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	r := &rig{t: t, client: client, svc: svc, reg: reg, addr: l.Addr().String(), conn: conn, origin: o}
	r.waitSubscribed()
	return r
}

// waitSubscribed waits for the events subscription, without which the
// local cache stays off and cross-instance waiters only poll.
func (r *rig) waitSubscribed() {
	deadline := time.Now().Add(5 * time.Second)
	for !r.svc.local.ready.Load() {
		if time.Now().After(deadline) {
			r.t.Fatal("events subscription never came up")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (r *rig) envoy(route string) *envoy {
	e := newEnvoy(r.t, r.conn, r.origin.srv.URL, route)
	e.msgTimeout = time.Second // -race on a busy box; tests of the hold set their own
	return e
}

// counter reads a counter from the rig's registry; labels are name/value
// pairs that must all match.
func (r *rig) counter(name string, labels ...string) float64 {
	r.t.Helper()
	return promtest.Value(r.t, r.reg, name, promtest.Pairs(labels...))
}

// testConfig is a config with generous Redis deadlines for -race on a
// shared 2-core machine; tests about the timing limits set their own.
func testConfig(routes ...Route) Config {
	m := map[string]Route{}
	for _, r := range routes {
		m[r.Name] = r
	}
	return Config{Routes: m, RedisTimeout: 100 * time.Millisecond, MessageTimeout: time.Second, LocalCacheBytes: -1}
}

// pdp is a product page route as the lead would translate it for Magento.
func pdp() Route {
	return Route{Name: "pdp", TTL: time.Minute,
		Vary:   []Key{{KindCookie, "X-Magento-Vary"}},
		Bypass: []Key{{KindCookie, "PHPSESSID_logged_in"}, {KindHeader, "Authorization"}}}
}

func expect(t testing.TB, x *exchange, status int, xcache string) {
	t.Helper()
	if x.status != status || x.cache() != xcache {
		t.Fatalf("got %d X-Cache %q (origin %v, timed out %v), want %d %q; body %q",
			x.status, x.cache(), x.origin, x.timedOut, status, xcache, x.body)
	}
}
