package cache

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"google.golang.org/grpc/metadata"

	"github.com/strangler-dev/strangler/internal/redistest"
)

// raceDetector is set by race_on_test.go in -race builds.
var raceDetector bool

// slowPage is a cacheable page the origin takes d to render.
func slowPage(d time.Duration) http.HandlerFunc {
	inner := page("cat_p_9")
	return func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(d)
		inner(w, r)
	}
}

// twoInstances starts two Services on one redis-server (a new one when
// srv is nil) and one origin.
func twoInstances(t testing.TB, cfg Config, srv *redistest.Server, o *origin) (*rig, *rig) {
	if srv == nil {
		srv = redistest.Start(t)
	}
	return startRig(t, cfg, srv, o), startRig(t, cfg, srv, o)
}

// stampede sends n concurrent requests for one key, alternating between
// the envoys, and returns the answers.
func stampede(t testing.TB, n int, target string, envoys ...*envoy) []*exchange {
	out := make([]*exchange, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			out[i] = envoys[i%len(envoys)].get(target)
		})
	}
	close(start)
	wg.Wait()
	return out
}

func checkStampede(t *testing.T, o *origin, xs []*exchange) {
	t.Helper()
	if n := o.fetches.Load(); n != 1 {
		t.Fatalf("%d concurrent misses made %d origin fetches, want 1", len(xs), n)
	}
	hits := 0
	for i, x := range xs {
		if x.status != 200 || string(x.body) != string(xs[0].body) || x.timedOut {
			t.Fatalf("request %d: %d %q timed out %v, want the one fill's body %q", i, x.status, x.body, x.timedOut, xs[0].body)
		}
		if x.cache() == "HIT" {
			hits++
		}
	}
	if hits != len(xs)-1 {
		t.Fatalf("%d hits, want %d", hits, len(xs)-1)
	}
}

// 100 concurrent misses over two instances: one origin fetch. The origin
// takes longer than Envoy's message timeout, so the waiters must ask for
// more time (max_message_timeout).
func TestStampedeAcrossInstances(t *testing.T) {
	o := newOrigin(t, slowPage(1200*time.Millisecond))
	cfg := testConfig(pdp())
	// 100 streams at once under -race on two shared cores: a generous
	// Redis deadline, which the 5s extension leaves room for.
	cfg.MaxMessageTimeout, cfg.LockWait, cfg.RedisTimeout = 5*time.Second, 3*time.Second, 500*time.Millisecond
	a, b := twoInstances(t, cfg, nil, o)
	ea, eb := a.envoy("pdp"), b.envoy("pdp")
	ea.maxTimeout, eb.maxTimeout = cfg.MaxMessageTimeout, cfg.MaxMessageTimeout
	xs := stampede(t, 100, "/hot.html", ea, eb)
	checkStampede(t, o, xs)
	waited := a.counter("strangler_cache_coalesced_total", "outcome", "hit") + b.counter("strangler_cache_coalesced_total", "outcome", "hit")
	if waited != 99 {
		t.Fatalf("coalesced hits counted %v, want 99", waited)
	}
}

// With Envoy's defaults (200ms, no max_message_timeout) the wait fits in
// the message timeout; a fast origin is still fetched once.
func TestStampedeWithDefaultTimeouts(t *testing.T) {
	if raceDetector {
		t.Skip("Envoy's 200ms timer against a 25ms Redis deadline means nothing at the race detector's speed")
	}
	o := newOrigin(t, slowPage(20*time.Millisecond))
	cfg := testConfig(pdp())
	cfg.MessageTimeout, cfg.RedisTimeout = 0, 0
	a, b := twoInstances(t, cfg, nil, o)
	ea, eb := a.envoy("pdp"), b.envoy("pdp")
	ea.msgTimeout, eb.msgTimeout = DefaultMessageTimeout, DefaultMessageTimeout
	xs := stampede(t, 20, "/warm.html", ea, eb)
	checkStampede(t, o, xs)
}

// Waiters give up after lock_wait and go to the origin uncached, within
// Envoy's timer.
func TestWaitIsBounded(t *testing.T) {
	o := newOrigin(t, slowPage(time.Second))
	cfg := testConfig(pdp())
	cfg.LockWait = 100 * time.Millisecond
	a, b := twoInstances(t, cfg, nil, o)
	first := make(chan *exchange)
	go func() { first <- a.envoy("pdp").get("/slow") }()
	waitFetches(t, o, 1)
	// A local and a remote waiter, both while the fill is still running.
	xs := make([]*exchange, 2)
	var wg sync.WaitGroup
	for i, r := range []*rig{a, b} {
		wg.Go(func() { xs[i] = r.envoy("pdp").get("/slow") })
	}
	wg.Wait()
	for i, x := range xs {
		if x.timedOut || !x.origin || x.cache() != "MISS" {
			t.Fatalf("waiter %d: %+v", i, x)
		}
	}
	for _, r := range []*rig{a, b} {
		if got := r.counter("strangler_cache_coalesced_total", "outcome", "timeout"); got != 1 {
			t.Fatalf("timeouts counted %v", got)
		}
	}
	<-first
}

// A fill whose client goes away releases the lock at once, so a request
// on another instance does not wait out lock_wait.
func TestAbandonedFillReleasesWaiters(t *testing.T) {
	o := newOrigin(t, page(""))
	cfg := testConfig(pdp())
	cfg.MaxMessageTimeout, cfg.LockWait = 10*time.Second, 5*time.Second
	a, b := twoInstances(t, cfg, nil, o)

	// A request takes the fill on a, then its stream dies before the
	// response.
	ctx, cancel := context.WithCancel(metadata.AppendToOutgoingContext(context.Background(), RouteMetadata, "pdp"))
	s, err := extprocv3.NewExternalProcessorClient(a.conn).Process(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(&extprocv3.ProcessingRequest{Request: &extprocv3.ProcessingRequest_RequestHeaders{RequestHeaders: &extprocv3.HttpHeaders{
		Headers: headerMap([]hv{{":method", "GET"}, {":path", "/gone"}, {":authority", "shop.test"}, {":scheme", "https"}}), EndOfStream: true}}}); err != nil {
		t.Fatal(err)
	}
	if ans, err := s.Recv(); err != nil || ans.GetRequestHeaders() == nil {
		t.Fatalf("the first request should go on to fill: %v %v", ans, err)
	}
	eb := b.envoy("pdp")
	eb.maxTimeout = cfg.MaxMessageTimeout
	done := make(chan *exchange)
	go func() { done <- eb.get("/gone") }()
	time.Sleep(100 * time.Millisecond) // b is waiting on a's fill
	cancel()
	select {
	case x := <-done:
		expect(t, x, 200, "MISS")
		if x.took > 2*time.Second {
			t.Fatalf("waited %v after the fill was abandoned", x.took)
		}
	case <-time.After(4 * time.Second):
		t.Fatal("the waiter on b was not released when a's fill was abandoned")
	}
}

func waitFetches(t testing.TB, o *origin, n int64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for o.fetches.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("origin fetches %d, waiting for %d", o.fetches.Load(), n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// A fill that fails with 5xx hands the stale entry to the waiters too.
func TestFailedFillGivesWaitersStale(t *testing.T) {
	o := newOrigin(t, respond(200, "public, s-maxage=1"))
	rt := pdp()
	rt.StaleIfError = time.Minute
	r := startRig(t, testConfig(rt), nil, o)
	e := r.envoy("pdp")
	expect(t, e.get("/f"), 200, "MISS")
	time.Sleep(1100 * time.Millisecond)
	o.set(func(w http.ResponseWriter, req *http.Request) {
		time.Sleep(300 * time.Millisecond)
		w.WriteHeader(502)
		fmt.Fprint(w, "bad gateway")
	})
	xs := stampede(t, 5, "/f", e)
	for i, x := range xs {
		if x.status != 200 || x.cache() != "STALE" || string(x.body) != "status 200" {
			t.Fatalf("request %d: %d %q %q", i, x.status, x.cache(), x.body)
		}
	}
	if n := o.fetches.Load(); n != 2 {
		t.Fatalf("origin fetched %d times, want 2 (the fill, then one failed refresh)", n)
	}
}
