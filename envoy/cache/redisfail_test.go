package cache

import (
	"testing"
	"time"

	"github.com/strangler-dev/strangler/internal/redistest"
)

// A hung or dead Redis never holds a request past Envoy's message timeout:
// requests go to the origin uncached, and the cache is back once Redis is.
func TestRedisHungOrDeadPassesThrough(t *testing.T) {
	srv := redistest.Start(t)
	if !srv.Real() {
		t.Skip("needs a redis-server process to pause and kill")
	}
	o := newOrigin(t, page(""))
	cfg := testConfig(pdp())
	cfg.RedisTimeout, cfg.MessageTimeout = 0, 0 // the defaults: 25ms, 200ms
	r := startRig(t, cfg, srv, o)
	e := r.envoy("pdp")
	e.msgTimeout = DefaultMessageTimeout
	warm(t, e, "/r")

	passes := func(what string) {
		t.Helper()
		for i := range 20 {
			x := e.get("/r")
			if x.timedOut || !x.origin || x.status != 200 {
				t.Fatalf("%s, request %d: timed out %v, origin %v, status %d after %v", what, i, x.timedOut, x.origin, x.status, x.took)
			}
		}
	}
	backToHits := func(what string) {
		t.Helper()
		deadline := time.Now().Add(3 * time.Second)
		for e.get("/r").cache() != "HIT" {
			if time.Now().After(deadline) {
				t.Fatalf("%s: no hits again", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	srv.Pause()
	passes("Redis hung")
	srv.Resume()
	backToHits("after resume")
	if got := r.counter("strangler_cache_requests_total", "result", "error"); got < 20 {
		t.Fatalf("errors counted %v", got)
	}
	if r.counter("strangler_cache_redis_errors_total", "kind", "timeout") == 0 {
		t.Fatal("no Redis timeout counted")
	}

	srv.Kill()
	passes("Redis dead")
	// Concurrent requests for one key still share one origin fetch: an
	// outage must not turn into a stampede.
	// (A longer message timeout, hence lock_wait, than Envoy's default:
	// under -race the 20 requests take a while just to start.)
	cfg.MessageTimeout, e.msgTimeout = time.Second, time.Second
	if err := r.svc.Update(cfg); err != nil {
		t.Fatal(err)
	}
	before := o.fetches.Load()
	o.set(slowPage(200 * time.Millisecond))
	for i, x := range stampede(t, 20, "/r", e) {
		if x.timedOut || x.status != 200 {
			t.Fatalf("burst request %d: %+v", i, x)
		}
	}
	if n := o.fetches.Load() - before; n != 1 {
		t.Fatalf("20 concurrent requests with Redis dead made %d origin fetches, want 1", n)
	}
	srv.Restart()
	backToHits("after restart") // the data went with the process: a fill, then hits
}
