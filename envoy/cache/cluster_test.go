package cache

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/strangler-dev/strangler/internal/redisconn"
	"github.com/strangler-dev/strangler/internal/redistest"
)

// The layout works on a Redis Cluster: entries and indexes spread over the
// nodes, tag purges, the full flush that scans every node, and coalescing
// across two instances (lock, write, pub/sub).
func TestRedisCluster(t *testing.T) {
	cl := redistest.StartCluster(t, 3)
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(100 * time.Millisecond)
		w.Header().Set("Cache-Control", "public, s-maxage=60")
		w.Header().Set("X-Magento-Tags", "cat_p"+r.URL.Path[2:]+",all")
		fmt.Fprintf(w, "page %s", r.URL.Path)
	})
	cfg := testConfig(pdp())
	cfg.LocalCacheBytes = 0
	rc := redisconn.Config{Cluster: cl.Addrs()}
	a, b := startRigOn(t, cfg, rc, o), startRigOn(t, cfg, rc, o)
	ea, eb := a.envoy("pdp"), b.envoy("pdp")

	checkStampede(t, o, stampede(t, 20, "/p0", ea, eb))
	paths := make([]string, 30)
	for i := range paths {
		paths[i] = fmt.Sprintf("/p%d", i)
		ea.get(paths[i])
	}
	nodesWithEntries := 0
	for _, n := range cl.Nodes {
		out := redistest.CLI(t, n.Addr(), "--scan", "--pattern", entryPrefix+"*")
		if out != "" {
			nodesWithEntries++
		}
	}
	if nodesWithEntries < 2 {
		t.Fatalf("entries on %d nodes: the test does not exercise the cluster", nodesWithEntries)
	}
	for _, p := range paths {
		expect(t, eb.get(p), 200, "HIT")
	}
	n, err := a.svc.Purge(t.Context(), "((^|,)cat_p1(,|$))|((^|,)cat_p2(,|$))")
	if err != nil || n != 2 {
		t.Fatalf("tag purge: %d %v", n, err)
	}
	purgedSoon(t, eb, "/p1")
	expect(t, eb.get("/p3"), 200, "HIT")
	n, err = b.svc.Purge(t.Context(), ".*")
	if want := len(paths) - 1; err != nil || n != want { // two purged, /p1 filled again
		t.Fatalf("flush: %d %v, want %d", n, err, want)
	}
	for _, p := range paths[:5] {
		purgedSoon(t, ea, p)
	}
}
