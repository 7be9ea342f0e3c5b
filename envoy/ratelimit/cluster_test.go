package ratelimit

import (
	"context"
	"testing"
	"time"

	rlsv3 "github.com/envoyproxy/go-control-plane/envoy/service/ratelimit/v3"
	"github.com/redis/rueidis"

	"github.com/strangler-dev/strangler/internal/redistest"
)

func TestRedisClusterMultiLimitDecisions(t *testing.T) {
	cl := redistest.StartCluster(t, 3)
	raw := newRueidis(t, cl.Addrs()...)
	red := FromRueidis(raw)
	if red.CrossSlot() {
		t.Fatal("a cluster client must report that one script cannot span slots")
	}
	// Two groups, so two hash tags; checkout's two limits share a slot.
	a := Limit{ID: "catalog#0", Group: "catalog", Per: perIP, Count: 100, Period: time.Minute}
	b := Limit{ID: "checkout#0", Group: "checkout", Per: perIP, Count: 1, Period: time.Minute, Burst: 1}
	c := Limit{ID: "checkout#1", Group: "checkout", Per: Per{Kind: PerRoute}, Count: 1000, Period: time.Minute}
	slotOf := func(k string) int64 {
		n, err := raw.Do(context.Background(), raw.B().ClusterKeyslot().Key(k).Build()).AsInt64()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	keyA, keyC := "rl:{catalog}:catalog#0:10.3.3.3", "rl:{checkout}:checkout#1:"
	if slotOf(keyA) == slotOf(keyC) {
		t.Fatal("test premise: the two groups should hash to different slots")
	}
	r := newRig(t, cfg(a, b, c), red)
	ip := []string{"remote_address", "10.3.3.3"}
	get := func(k string) string {
		v, err := raw.Do(context.Background(), raw.B().Get().Key(k).Build()).ToString()
		if err != nil && !rueidis.IsRedisNil(err) {
			t.Fatal(err)
		}
		return v
	}

	if resp := r.call(desc(a.ID, ip...), desc(b.ID, ip...), desc(c.ID)); resp.GetOverallCode() != rlsv3.RateLimitResponse_OK {
		t.Fatalf("first request: %v", resp)
	}
	beforeA, beforeC := get(keyA), get(keyC)
	if beforeA == "" || beforeC == "" {
		t.Fatal("the admitted request wrote no keys")
	}
	// checkout#0 rejects. Within its group nothing is written (one script);
	// catalog, decided first in its own call, is refunded.
	resp := r.call(desc(a.ID, ip...), desc(b.ID, ip...), desc(c.ID))
	if resp.GetOverallCode() != rlsv3.RateLimitResponse_OVER_LIMIT || resp.GetStatuses()[1].GetCode() != rlsv3.RateLimitResponse_OVER_LIMIT {
		t.Fatalf("second request: %v", resp)
	}
	if get(keyA) != beforeA || get(keyC) != beforeC {
		t.Fatalf("a rejected request consumed: catalog %q -> %q, checkout#1 %q -> %q", beforeA, get(keyA), beforeC, get(keyC))
	}
	// Known over limit now (local cache): the other group is not touched.
	if resp := r.call(desc(b.ID, ip...), desc(a.ID, ip...)); resp.GetOverallCode() != rlsv3.RateLimitResponse_OVER_LIMIT {
		t.Fatalf("third request: %v", resp)
	}
	if get(keyA) != beforeA {
		t.Fatal("catalog consumed by a request its other group rejected")
	}
	// One group alone is decided in one script on its shard.
	if got := r.call(desc(a.ID, ip...)).GetStatuses()[0].GetLimitRemaining(); got != 98 {
		t.Fatalf("catalog remaining %d, want 98 (one admitted before)", got)
	}
}
