package shadow

import (
	"context"
	"fmt"
	"github.com/strangler-dev/strangler/internal/promtest"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/rueidis"

	"github.com/strangler-dev/strangler/internal/redistest"
	"github.com/strangler-dev/strangler/shadow/diff"
)

const testRoute = "catalog"

func testLogger() *slog.Logger {
	if os.Getenv("SHADOW_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// testRules are the route's shadow rules: emails are redacted.
func testRules(t testing.TB) diff.Rules {
	r, err := diff.ParseRules(nil, nil, nil, []string{"body:$..seller_email", "body:$..email"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func testConfig(t testing.TB, legacy, new *backend) Config {
	return Config{
		Routes: map[string]Route{testRoute: {
			Name: testRoute, Rules: testRules(t), Methods: []string{http.MethodGet, http.MethodHead},
			NoisePercent: 100, Legacy: []string{legacy.srv.URL}, New: []string{new.srv.URL}, Timeout: 5 * time.Second,
		}},
		JoinTTL: 2 * time.Second, Workers: 4, QueueSize: 1000,
	}
}

func openClient(t testing.TB, addr string) rueidis.Client {
	t.Helper()
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{addr}, DisableCache: true, ForceSingleClient: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func testStore(t testing.TB, c rueidis.Client) *Store {
	return NewStore(c, WithSampleInterval(0))
}

// node is one running receiver.
type node struct {
	r     *Receiver
	reg   *prometheus.Registry
	addr  string
	stop  context.CancelFunc
	done  chan error
	envoy *envoy
	once  sync.Once
}

func startNode(t testing.TB, cfg Config, store *Store, legacy, new *backend) *node {
	t.Helper()
	reg := prometheus.NewRegistry()
	r, err := New(cfg, store, reg, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := &node{r: r, reg: reg, addr: l.Addr().String(), stop: cancel, done: make(chan error, 1)}
	go func() { n.done <- r.Serve(ctx, l) }()
	n.envoy = newEnvoy(t, n.addr, legacy, new)
	t.Cleanup(n.close)
	return n
}

func (n *node) close() {
	n.once.Do(func() {
		n.stop()
		<-n.done
		n.r.Close()
	})
}

// rig is a Redis, the two backends and one receiver.
type rig struct {
	t           testing.TB
	redis       *redistest.Server
	client      rueidis.Client
	store       *Store
	legacy, new *backend
	cfg         Config
	node        *node
}

func newRig(t testing.TB, tweak func(*Config)) *rig {
	t.Helper()
	rg := &rig{t: t, redis: redistest.Start(t), legacy: newBackend(t, true), new: newBackend(t, false)}
	rg.client = openClient(t, rg.redis.Addr())
	rg.store = testStore(t, rg.client)
	rg.cfg = testConfig(t, rg.legacy, rg.new)
	if tweak != nil {
		tweak(&rg.cfg)
	}
	rg.node = startNode(t, rg.cfg, rg.store, rg.legacy, rg.new)
	return rg
}

func (rg *rig) report() Report {
	rg.t.Helper()
	now := time.Now()
	rep, err := rg.store.Report(context.Background(), testRoute, now.Add(-time.Hour), now)
	if err != nil {
		rg.t.Fatal(err)
	}
	return rep
}

// waitHandled waits until n pairs or halves of the route have an outcome
// in the store (compared or not comparable).
func (rg *rig) waitHandled(n int64) Report {
	rg.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		rep := rg.report()
		got := rep.Compared + rep.NotComparableTotal()
		if got >= n {
			if got > n {
				rg.t.Fatalf("%d outcomes recorded, want %d", got, n)
			}
			return rep
		}
		if time.Now().After(deadline) {
			rg.t.Fatalf("only %d of %d outcomes recorded: %+v", got, n, rep.Stats)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func counterValue(t testing.TB, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	return promtest.Value(t, reg, name, labels)
}

func productReq(n int) userRequest {
	return userRequest{Route: testRoute, Method: http.MethodGet, URI: fmt.Sprintf("/rest/V1/products/SKU-%d?fields=id,sku", n),
		Header: http.Header{"Accept": {"application/json"}, "Accept-Encoding": {"gzip"}}}
}

func categoryReq(n int) userRequest {
	return userRequest{Route: testRoute, Method: http.MethodGet, URI: fmt.Sprintf("/rest/V1/categories/%d", n),
		Header: http.Header{"Accept": {"application/json"}, "Accept-Encoding": {"gzip"}}}
}
