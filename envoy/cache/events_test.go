package cache

import (
	"testing"
	"time"

	"github.com/strangler-dev/strangler/internal/redistest"
)

// After Redis restarts, the subscription comes back (the local cache is
// off meanwhile) and events flow again.
func TestEventsSurviveRedisRestart(t *testing.T) {
	srv := redistest.Start(t)
	if !srv.Real() {
		t.Skip("needs a redis-server process to kill")
	}
	o := newOrigin(t, page(""))
	cfg := testConfig(pdp())
	cfg.LocalCacheBytes = 0
	a, b := twoInstances(t, cfg, srv, o)
	srv.Kill()
	deadline := time.Now().Add(3 * time.Second)
	for a.svc.local.ready.Load() {
		if time.Now().After(deadline) {
			t.Fatal("the subscription did not notice Redis going away")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if a.svc.local.get("x", time.Now()) != nil || a.svc.local.on() {
		t.Fatal("local cache on without a subscription")
	}
	srv.Restart()
	a.waitSubscribed()
	woke, stop := a.svc.events.watch("k")
	defer stop()
	b.svc.events.publish(t.Context(), eventAbort+"k")
	select {
	case <-woke:
	case <-time.After(2 * time.Second):
		t.Fatal("an event published after the restart did not arrive")
	}
}
