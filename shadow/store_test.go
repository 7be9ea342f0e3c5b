package shadow

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/rueidis"

	"github.com/strangler-dev/strangler/internal/redistest"
	"github.com/strangler-dev/strangler/shadow/diff"
)

func differing(template string) *diff.Result {
	return &diff.Result{Differences: []diff.Difference{{Path: template, Template: template, Kind: diff.KindValue, Legacy: `"a"`, Candidate: `"b"`}},
		SampleLegacy: []byte(`{"a":"a"}`), SampleCandidate: []byte(`{"a":"b"}`)}
}

func matching() *diff.Result { return &diff.Result{Match: true} }

func obsAt(at time.Time, res *diff.Result, legacyMS, newMS int) Observation {
	return Observation{Route: "r1", Method: "GET", Path: "/rest/V1/products/24-MB01", RequestID: "id", At: at, Result: res,
		Legacy: SideStats{Status: 200, Latency: time.Duration(legacyMS) * time.Millisecond},
		New:    SideStats{Status: 200, Latency: time.Duration(newMS) * time.Millisecond}}
}

func TestMatchRateAndNewSideStatsOverMinutes(t *testing.T) {
	store := NewStore(openClient(t, redistest.Start(t).Addr()))
	ctx := context.Background()
	t0 := time.Now().Truncate(time.Minute).Add(-10 * time.Minute)
	record := func(o Observation) {
		t.Helper()
		if err := store.Record(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	// Minute 0: 3 matches, 1 difference. Minute 5: 1 match, a 503 from new.
	for i := range 3 {
		record(obsAt(t0.Add(time.Duration(i)*time.Second), matching(), 10, 20))
	}
	record(obsAt(t0.Add(30*time.Second), differing("body:$.a"), 10, 20))
	bad := obsAt(t0.Add(5*time.Minute), matching(), 10, 900)
	bad.New.Status = 503
	record(bad)

	for _, c := range []struct {
		from, to          time.Time
		compared, matched int64
	}{
		{t0, t0.Add(59 * time.Second), 4, 3},
		{t0.Add(time.Minute), t0.Add(4 * time.Minute), 0, 0},
		{t0.Add(5 * time.Minute), t0.Add(6 * time.Minute), 1, 1},
		{t0.Add(-time.Hour), time.Now(), 5, 4},
	} {
		compared, matched, err := store.MatchRate(ctx, "r1", c.from, c.to)
		if err != nil || compared != c.compared || matched != c.matched {
			t.Errorf("%v..%v: %d/%d (%v), want %d/%d", c.from.Sub(t0), c.to.Sub(t0), matched, compared, err, c.matched, c.compared)
		}
	}
	reqs, errs, p99, err := store.NewSideStats(ctx, "r1", t0, time.Now())
	if err != nil || reqs != 5 || errs != 1 {
		t.Fatalf("new side: %d requests, %d errors (%v)", reqs, errs, err)
	}
	// 4 of 5 answers took 20ms, one 900ms: the p99 lies in the 800..1000ms bucket.
	if p99 < 800*time.Millisecond || p99 > time.Second {
		t.Fatalf("p99 %v", p99)
	}
	if _, _, _, err := store.NewSideStats(ctx, "bad{route}", t0, time.Now()); err == nil {
		t.Fatal("a route name with braces was accepted")
	}
}

func TestLatencyQuantiles(t *testing.T) {
	h := histogram{}
	for i := 1; i <= 100; i++ {
		h.add(latencyBucket(time.Duration(i)*time.Millisecond), 1)
	}
	l := h.latency()
	// Buckets are ~25% wide: quantiles must land within a bucket of the truth.
	for _, c := range []struct{ got, want float64 }{{l.P50, 50}, {l.P95, 95}, {l.P99, 99}} {
		if math.Abs(c.got-c.want)/c.want > 0.25 {
			t.Errorf("quantile %v, want about %v", c.got, c.want)
		}
	}
	if l.Count != 100 {
		t.Fatalf("count %d", l.Count)
	}
	over := histogram{}
	over.add(latencyBucket(2*time.Minute), 1)
	if got := over.quantile(0.99); got != 60000 {
		t.Fatalf("open bucket quantile %v, want the last bound", got)
	}
	if latencyBucket(0) != "0.5" || latencyBucket(time.Hour) != infBound {
		t.Fatal("edge buckets")
	}
}

func TestSamplesAreCappedAndKeysExpire(t *testing.T) {
	srv := redistest.Start(t)
	c := openClient(t, srv.Addr())
	store := NewStore(c, WithSamplesPerField(3), WithSampleInterval(0), WithRetention(2*time.Hour))
	ctx := context.Background()
	now := time.Now()
	for i := range 10 {
		o := obsAt(now, differing("body:$.a"), 5, 5)
		o.RequestID = fmt.Sprintf("req-%d", i)
		if err := store.Record(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := store.Report(ctx, "r1", now.Add(-time.Minute), now)
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Fields[0]
	if f.Raw != 10 || len(f.Samples) != 3 || f.Samples[0].RequestID != "req-9" {
		t.Fatalf("field %+v", f)
	}
	for _, k := range strings.Split(redistest.CLI(t, srv.Addr(), "--scan", "--pattern", "sh:*"), "\n") {
		if k == routesKey {
			continue
		}
		ttl, err := strconv.Atoi(redistest.CLI(t, srv.Addr(), "TTL", k))
		if err != nil || ttl <= 0 || ttl > 7200 {
			t.Fatalf("key %q has TTL %d (%v), want within 2h", k, ttl, err)
		}
	}

	// Throttled: one sample per field per interval from this process.
	slow := NewStore(c, WithSampleInterval(time.Hour))
	for range 5 {
		if err := slow.Record(ctx, obsAt(now, differing("body:$.b"), 5, 5)); err != nil {
			t.Fatal(err)
		}
	}
	n, err := c.Do(ctx, c.B().Llen().Key(sampleKey("r1", endpointOf("GET", "/rest/V1/products/24-MB01"), "body:$.b")).Build()).AsInt64()
	if err != nil || n != 1 {
		t.Fatalf("%d samples pushed within one interval, want 1 (%v)", n, err)
	}
}

// In a Redis Cluster every key of a route sits in one slot, so a report is
// one node's work; the store works there unchanged.
func TestRouteKeysShareOneClusterSlot(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 3-node Redis Cluster")
	}
	cl := redistest.StartCluster(t, 3)
	c := openClusterClient(t, cl.Addrs())
	store := NewStore(c, WithSampleInterval(0))
	ctx := context.Background()
	now := time.Now()
	for i, res := range []*diff.Result{matching(), differing("body:$.a"), differing("header:etag")} {
		o := obsAt(now.Add(-time.Duration(i)*time.Minute), res, 5, 5)
		if err := store.Record(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := store.Report(ctx, "r1", now.Add(-time.Hour), now)
	if err != nil || rep.Compared != 3 || rep.Matched != 1 || len(rep.Fields) != 2 {
		t.Fatalf("report %+v (%v)", rep.Stats, err)
	}
	slots := map[string]bool{}
	for _, node := range cl.Addrs() {
		for _, k := range strings.Split(redistest.CLI(t, node, "--scan", "--pattern", "sh:{r1}*"), "\n") {
			if k == "" {
				continue
			}
			slots[redistest.CLI(t, node, "CLUSTER", "KEYSLOT", k)] = true
		}
	}
	if len(slots) != 1 {
		t.Fatalf("route keys spread over slots %v", slots)
	}
}

func openClusterClient(t testing.TB, seeds []string) rueidis.Client {
	t.Helper()
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: seeds, DisableCache: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	if c.Mode() != rueidis.ClientModeCluster {
		t.Fatalf("client mode %v, want cluster", c.Mode())
	}
	return c
}
