package shadow

import (
	"context"
	"net/http"
	"testing"
	"time"
)

func dropped(t testing.TB, n *node, reason string) float64 {
	return counterValue(t, n.reg, "strangler_shadow_dropped_total", map[string]string{"reason": reason})
}

// With the only worker stuck, the queue fills and every later pair is
// dropped and counted; nothing waits and nothing piles up.
func TestQueueFullDropsAndCounts(t *testing.T) {
	rg := newRig(t, func(c *Config) { c.Workers, c.QueueSize = 1, 2 })
	release := make(chan struct{})
	rg.new.setBlock(release)
	reqs := make([]userRequest, 20)
	for i := range reqs {
		reqs[i] = categoryReq(i + 1)
		reqs[i].Side = SideLegacy
	}
	play(t, []*envoy{rg.node.envoy}, reqs[:1])
	waitFor(t, func() bool { return len(rg.new.receiverCalls()) == 1 }) // the worker is stuck in the call
	for _, u := range reqs[1:] {
		play(t, []*envoy{rg.node.envoy}, []userRequest{u}) // one by one: each returns once Envoy's part is done
	}
	if got := counterValue(t, rg.node.reg, "strangler_shadow_joined_total", map[string]string{"route": testRoute}); got != 20 {
		t.Fatalf("joined %v, want 20", got)
	}
	if got := dropped(t, rg.node, dropQueueFull); got != 17 {
		t.Fatalf("queue_full drops %v, want 17 (1 in the worker, 2 queued)", got)
	}
	if got := counterValue(t, rg.node.reg, "strangler_shadow_queue_length", nil); got != 2 {
		t.Fatalf("queue length %v, want 2", got)
	}
	if n := rg.node.r.joiner.size(); n != 0 {
		t.Fatalf("%d halves still waiting", n)
	}
	held := rg.node.r.budget.used.Load()
	if held <= 0 || held > 3*(4<<10) {
		t.Fatalf("%d bytes held for 3 pairs of ~1 KiB bodies", held)
	}
	close(release)
	rep := rg.waitHandled(3)
	if rep.Compared != 3 {
		t.Fatalf("report %+v", rep.Stats)
	}
	waitFor(t, func() bool { return rg.node.r.budget.used.Load() == 0 })
}

// Bodies are bounded by a byte budget: a pair that does not fit is dropped
// whole, counted once, and its partner does not linger as a join miss.
func TestBufferBudgetDropsWholePairs(t *testing.T) {
	rg := newRig(t, func(c *Config) { c.MaxBufferedBytes, c.JoinTTL = 1000, 200*time.Millisecond })
	reqs := make([]userRequest, 6)
	for i := range reqs {
		reqs[i] = categoryReq(i + 1) // a 948-byte body plus headers: over the budget
		reqs[i].Side, reqs[i].MirrorFirst = SideLegacy, i%2 == 0
		reqs[i].Header.Del("Accept-Encoding")
	}
	play(t, []*envoy{rg.node.envoy}, reqs)
	time.Sleep(400 * time.Millisecond) // two join TTLs: any leftover half would be swept by now
	if got := dropped(t, rg.node, dropMemory); got != 6 {
		t.Fatalf("memory drops %v, want 6", got)
	}
	rep := rg.report()
	if rep.NotComparableTotal() != 0 || rep.Compared != 0 {
		t.Fatalf("dropped pairs were recorded: %+v", rep.Stats)
	}
	if n, used := rg.node.r.joiner.size(), rg.node.r.budget.used.Load(); n != 0 || used != 0 {
		t.Fatalf("after the sweep: %d halves, %d bytes held", n, used)
	}
}

func TestJoinTableIsBounded(t *testing.T) {
	rg := newRig(t, func(c *Config) { c.JoinTableSize, c.JoinTTL = 3, 300*time.Millisecond })
	reqs := make([]userRequest, 5)
	for i := range reqs {
		reqs[i] = categoryReq(i + 1)
		reqs[i].Side, reqs[i].Skip = SideLegacy, "capture" // mirrors that never find a partner
	}
	play(t, []*envoy{rg.node.envoy}, reqs)
	if got := dropped(t, rg.node, dropJoinTable); got != 2 {
		t.Fatalf("join table drops %v, want 2", got)
	}
	if rep := rg.waitHandled(3); rep.NotComparable[NotComparableJoinMissed] != 3 {
		t.Fatalf("report %+v", rep.Stats)
	}
}

// Halves Envoy should never send without what they need are dropped and
// counted, not joined.
func TestUnjoinableHalvesAreCounted(t *testing.T) {
	rg := newRig(t, nil)
	unknown := categoryReq(1)
	unknown.Route, unknown.Side = "no-such-route", SideLegacy
	play(t, []*envoy{rg.node.envoy}, []userRequest{unknown})
	if got := dropped(t, rg.node, dropUnknown); got != 2 {
		t.Fatalf("unknown route drops %v, want 2 (mirror and capture)", got)
	}
	dup := categoryReq(2)
	dup.ID, dup.Side, dup.Skip = "same-id", SideLegacy, "capture"
	play(t, []*envoy{rg.node.envoy}, []userRequest{dup, dup})
	if got := dropped(t, rg.node, dropDuplicate); got != 1 {
		t.Fatalf("duplicate drops %v, want 1", got)
	}
	// Without an x-request-id there is nothing to join by (sendMirror
	// sends the ID as given, here empty).
	if err := rg.node.envoy.sendMirror(context.Background(), userRequest{Route: testRoute, Method: "GET", URI: "/x", Header: http.Header{}}); err != nil {
		t.Fatal(err)
	}
	if got := dropped(t, rg.node, dropNoRequestID); got != 1 {
		t.Fatalf("no request id drops %v, want 1", got)
	}
}
