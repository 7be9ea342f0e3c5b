package ratelimit

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	commonrl "github.com/envoyproxy/go-control-plane/envoy/extensions/common/ratelimit/v3"
	rlsv3 "github.com/envoyproxy/go-control-plane/envoy/service/ratelimit/v3"

	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/strangler-dev/strangler/internal/redistest"
)

var perIP = Per{Kind: PerClientIP}

func TestFiguresThroughGRPC(t *testing.T) {
	srv := redistest.Start(t)
	l := Limit{ID: "product-api#0", Group: "product-api", Per: perIP, Count: 3, Period: time.Hour, Burst: 3}
	r := newRig(t, cfg(l), FromRueidis(newRueidis(t, srv.Addr())))

	for i, want := range []uint32{2, 1, 0} {
		resp := r.call(desc(l.ID, "remote_address", "10.0.0.1"))
		st := resp.GetStatuses()[0]
		if resp.GetOverallCode() != rlsv3.RateLimitResponse_OK || st.GetLimitRemaining() != want {
			t.Fatalf("request %d: %v remaining %d, want OK %d", i+1, resp.GetOverallCode(), st.GetLimitRemaining(), want)
		}
		// Until idle: (i+1) emission intervals of 20 minutes, less the µs
		// that passed since the first request.
		reset := st.GetDurationUntilReset().AsDuration()
		if full := time.Duration(i+1) * 20 * time.Minute; reset > full || reset < full-time.Second {
			t.Fatalf("request %d: duration_until_reset %v, want about %v", i+1, reset, full)
		}
		cl := st.GetCurrentLimit()
		if cl.GetRequestsPerUnit() != 3 || cl.GetUnit() != rlsv3.RateLimitResponse_RateLimit_HOUR || cl.GetName() != l.ID {
			t.Fatalf("current_limit %v, want 3 per HOUR named %s", cl, l.ID)
		}
		if retryAfter(resp) != "" {
			t.Fatal("Retry-After on an admitted request")
		}
	}
	resp := r.call(desc(l.ID, "remote_address", "10.0.0.1"))
	if resp.GetOverallCode() != rlsv3.RateLimitResponse_OVER_LIMIT || resp.GetStatuses()[0].GetCode() != rlsv3.RateLimitResponse_OVER_LIMIT {
		t.Fatalf("4th request: %v", resp)
	}
	if got := retryAfter(resp); got != "1200" {
		t.Fatalf("Retry-After %q, want 1200 (one 20-minute interval, rounded up)", got)
	}
	// Another client has its own key.
	if r.call(desc(l.ID, "remote_address", "10.0.0.2")).GetOverallCode() != rlsv3.RateLimitResponse_OK {
		t.Fatal("another client IP was limited")
	}
	if ok, over := r.decisions(l.ID, resultOK), r.decisions(l.ID, resultOver); ok != 4 || over != 1 {
		t.Fatalf("decisions ok=%v over=%v, want 4 and 1", ok, over)
	}
}

func TestCurrentLimitUnits(t *testing.T) {
	for _, c := range []struct {
		count  int64
		period time.Duration
		rpu    uint32
		unit   rlsv3.RateLimitResponse_RateLimit_Unit
		mult   uint32
	}{
		{50, time.Second, 50, rlsv3.RateLimitResponse_RateLimit_SECOND, 0},
		{1000, time.Minute, 1000, rlsv3.RateLimitResponse_RateLimit_MINUTE, 0},
		{3, time.Hour, 3, rlsv3.RateLimitResponse_RateLimit_HOUR, 0},
		{10, 30 * time.Second, 10, rlsv3.RateLimitResponse_RateLimit_SECOND, 30},
		{5, 48 * time.Hour, 5, rlsv3.RateLimitResponse_RateLimit_DAY, 2},
		{1, 100 * time.Millisecond, 10, rlsv3.RateLimitResponse_RateLimit_SECOND, 0},
	} {
		cl := currentLimit(Limit{ID: "x", Count: c.count, Period: c.period})
		if cl.GetRequestsPerUnit() != c.rpu || cl.GetUnit() != c.unit || cl.GetUnitMultiplier().GetValue() != c.mult {
			t.Errorf("%d per %v: got %v", c.count, c.period, cl)
		}
	}
}

func TestLocalCacheAnswersRepeatRejections(t *testing.T) {
	srv := redistest.Start(t)
	l := Limit{ID: "hot#0", Group: "hot", Per: perIP, Count: 1, Period: time.Hour, Burst: 1}
	r := newRig(t, cfg(l), FromRueidis(newRueidis(t, srv.Addr())))
	d := desc(l.ID, "remote_address", "10.9.9.9")
	r.call(d)
	if r.call(d).GetOverallCode() != rlsv3.RateLimitResponse_OVER_LIMIT {
		t.Fatal("second request admitted")
	}
	calls := metricValue(t, r.reg, "strangler_ratelimit_redis_seconds")
	for range 20 {
		resp := r.call(d)
		if resp.GetOverallCode() != rlsv3.RateLimitResponse_OVER_LIMIT || retryAfter(resp) == "" {
			t.Fatalf("cached rejection: %v", resp)
		}
		if rs := resp.GetStatuses()[0].GetDurationUntilReset().AsDuration(); rs < 59*time.Minute {
			t.Fatalf("cached rejection reports reset in %v, want ~1h", rs)
		}
	}
	if got := metricValue(t, r.reg, "strangler_ratelimit_redis_seconds"); got != calls {
		t.Fatalf("Redis called %v more times for known over-limit requests", got-calls)
	}
	if hits := metricValue(t, r.reg, "strangler_ratelimit_local_cache_hits_total"); hits != 20 {
		t.Fatalf("cache hits %v, want 20", hits)
	}
}

func TestMultiLimitAtomicThroughService(t *testing.T) {
	srv := redistest.Start(t)
	raw := newRueidis(t, srv.Addr())
	a := Limit{ID: "api#0", Group: "api", Per: perIP, Count: 100, Period: time.Minute} // keys live 600ms: longer than the test
	b := Limit{ID: "api#1", Group: "api", Per: Per{Kind: PerHeader, Name: "x-api-key"}, Count: 1, Period: time.Minute, Burst: 1}
	r := newRig(t, cfg(a, b), FromRueidis(raw))
	da, db := desc(a.ID, "remote_address", "10.1.1.1"), desc(b.ID, "header", "key-1")
	r.call(da, db)
	keyA := "rl:{api}:api#0:10.1.1.1"
	before, err := raw.Do(context.Background(), raw.B().Get().Key(keyA).Build()).ToString()
	if err != nil {
		t.Fatalf("limit a's key %s: %v", keyA, err)
	}
	resp := r.call(da, db)
	st := resp.GetStatuses()
	if resp.GetOverallCode() != rlsv3.RateLimitResponse_OVER_LIMIT || st[0].GetCode() != rlsv3.RateLimitResponse_OK || st[1].GetCode() != rlsv3.RateLimitResponse_OVER_LIMIT {
		t.Fatalf("want rejection by limit b alone: %v", resp)
	}
	after, _ := raw.Do(context.Background(), raw.B().Get().Key(keyA).Build()).ToString()
	if after != before {
		t.Fatalf("rejected by b, yet a's key changed: %q -> %q", before, after)
	}
	// a alone still has its burst minus one.
	if got := r.call(da).GetStatuses()[0].GetLimitRemaining(); got != 98 {
		t.Fatalf("a remaining %d after one admitted request and a rejected one, want 98", got)
	}
}

func TestShadowLimitThroughService(t *testing.T) {
	srv := redistest.Start(t)
	en := Limit{ID: "r#0", Group: "r", Per: perIP, Count: 100, Period: time.Minute}
	sh := Limit{ID: "r#1", Group: "r", Per: perIP, Count: 1, Period: time.Hour, Burst: 1, Shadow: true}
	r := newRig(t, cfg(en, sh), FromRueidis(newRueidis(t, srv.Addr())))
	ds := []string{"remote_address", "10.2.2.2"}
	for i := range 3 {
		resp := r.call(desc(en.ID, ds...), desc(sh.ID, ds...))
		if resp.GetOverallCode() != rlsv3.RateLimitResponse_OK {
			t.Fatalf("request %d rejected by a shadow limit: %v", i, resp)
		}
		st := resp.GetStatuses()[1]
		if st.GetCode() != rlsv3.RateLimitResponse_OK || st.GetCurrentLimit() != nil {
			t.Fatalf("shadow status must be a bare OK: %v", st)
		}
	}
	if ok, shadow := r.decisions(sh.ID, resultOK), r.decisions(sh.ID, resultShadowOver); ok != 1 || shadow != 2 {
		t.Fatalf("shadow decisions ok=%v shadow_over_limit=%v, want 1 and 2", ok, shadow)
	}
}

func TestUnknownAndDriftedDescriptorsPass(t *testing.T) {
	srv := redistest.Start(t)
	l := Limit{ID: "c#0", Group: "c", Per: Per{Kind: PerCookie, Name: "sid"}, Count: 1, Period: time.Hour, Burst: 1}
	r := newRig(t, cfg(l), FromRueidis(newRueidis(t, srv.Addr())))
	for _, ds := range [][]string{
		{"nope#9", "remote_address", "1.2.3.4"}, // unknown id
		{"c#0", "remote_address", "1.2.3.4"},    // wrong shape for a cookie limit
		{"c#0"},                                 // missing value
	} {
		resp := r.call(desc(ds[0], ds[1:]...))
		if resp.GetOverallCode() != rlsv3.RateLimitResponse_OK {
			t.Fatalf("%v: %v", ds, resp)
		}
	}
	if got := metricValue(t, r.reg, "strangler_ratelimit_unknown_limit_total"); got != 3 {
		t.Fatalf("unknown limit metric %v, want 3", got)
	}
	// The wrong domain is drift too.
	resp, err := r.client.ShouldRateLimit(context.Background(), &rlsv3.RateLimitRequest{Domain: "other", Descriptors: []*commonrl.RateLimitDescriptor{desc(l.ID, "cookie", "sid=a")}})
	if err != nil || resp.GetOverallCode() != rlsv3.RateLimitResponse_OK {
		t.Fatalf("other domain: %v %v", resp, err)
	}
	// Cookie limits: a request without the cookie is not limited at all.
	for range 3 {
		if r.call(desc(l.ID, "cookie", "theme=dark; lang=en")).GetOverallCode() != rlsv3.RateLimitResponse_OK {
			t.Fatal("a request without the cookie was limited")
		}
	}
	r.call(desc(l.ID, "cookie", `theme=dark; sid="abc"`))
	if r.call(desc(l.ID, "cookie", "sid=abc;theme=light")).GetOverallCode() != rlsv3.RateLimitResponse_OVER_LIMIT {
		t.Fatal("the same sid (quoted, then bare, other cookies around) is not one key")
	}
	if r.call(desc(l.ID, "cookie", "sid=abd")).GetOverallCode() != rlsv3.RateLimitResponse_OK {
		t.Fatal("another sid shares the key")
	}
}

func TestFiveInstancesAdmitExactlyTheGlobalLimit(t *testing.T) {
	srv := redistest.Start(t)
	l := Limit{ID: "g#0", Group: "g", Per: perIP, Count: 10, Period: time.Hour, Burst: 40}
	var clients []rlsv3.RateLimitServiceClient
	for range 5 {
		svc := newService(t, cfg(l), FromRueidis(newRueidis(t, srv.Addr())), nil)
		clients = append(clients, serve(t, svc, 1)[0])
	}
	var admitted, rejected atomic.Int64
	var wg sync.WaitGroup
	for w := range 20 {
		wg.Go(func() {
			c := clients[w%5]
			for range 15 {
				resp, err := c.ShouldRateLimit(context.Background(), &rlsv3.RateLimitRequest{
					Domain: "strangler", Descriptors: []*commonrl.RateLimitDescriptor{desc(l.ID, "remote_address", "10.5.5.5")}})
				switch {
				case err != nil:
					t.Error(err)
				case resp.GetOverallCode() == rlsv3.RateLimitResponse_OK:
					admitted.Add(1)
				default:
					rejected.Add(1)
				}
			}
		})
	}
	wg.Wait()
	// 300 requests within far less than the 6-minute emission interval: the
	// burst of 40, no more, no less, whichever instance answered.
	if admitted.Load() != 40 || rejected.Load() != 260 {
		t.Fatalf("admitted %d rejected %d across 5 instances, want 40 and 260", admitted.Load(), rejected.Load())
	}
}

func TestNoScriptLoadsAndRetries(t *testing.T) {
	srv := redistest.Start(t)
	raw := newRueidis(t, srv.Addr())
	l := Limit{ID: "n#0", Group: "n", Per: Per{Kind: PerRoute}, Count: 5, Period: time.Minute}
	r := newRig(t, cfg(l), FromRueidis(raw))
	for i := range 3 {
		if err := raw.Do(context.Background(), raw.B().ScriptFlush().Build()).Error(); err != nil {
			t.Fatal(err)
		}
		if got := r.call(desc(l.ID)).GetStatuses()[0].GetLimitRemaining(); got != uint32(3-i+1) {
			t.Fatalf("after SCRIPT FLUSH: remaining %d, want %d", got, 3-i+1)
		}
	}
}

func TestUpdateSwapsConfig(t *testing.T) {
	srv := redistest.Start(t)
	l := Limit{ID: "u#0", Group: "u", Per: Per{Kind: PerRoute}, Count: 1, Period: time.Hour, Burst: 1}
	r := newRig(t, cfg(l), FromRueidis(newRueidis(t, srv.Addr())))
	r.call(desc(l.ID))
	if r.call(desc(l.ID)).GetOverallCode() != rlsv3.RateLimitResponse_OVER_LIMIT {
		t.Fatal("second request admitted")
	}
	l.Burst, l.Count = 10, 10
	if err := r.svc.Update(cfg(l)); err != nil {
		t.Fatal(err)
	}
	// The one admitted request still counts, as one of ten: 8 left after
	// this one.
	if resp := r.call(desc(l.ID)); resp.GetOverallCode() != rlsv3.RateLimitResponse_OK || resp.GetStatuses()[0].GetLimitRemaining() != 8 {
		t.Fatalf("after raising the limit: %v", resp)
	}
	bad := l
	bad.Count = 0
	if err := r.svc.Update(cfg(bad)); err == nil || !strings.Contains(err.Error(), "count") {
		t.Fatalf("invalid config accepted: %v", err)
	}
	if r.svc.table.Load().limits[l.ID].Count != 10 {
		t.Fatal("a refused config replaced the old one")
	}
}

func TestConfigChecks(t *testing.T) {
	ok := Limit{ID: "a#0", Group: "a", Per: perIP, Count: 1, Period: time.Second}
	for name, mut := range map[string]func(*Limit){
		"group brace":   func(l *Limit) { l.Group = "a}b" },
		"no group":      func(l *Limit) { l.Group = "" },
		"kind":          func(l *Limit) { l.Per.Kind = "user" },
		"header name":   func(l *Limit) { l.Per = Per{Kind: PerHeader} },
		"period":        func(l *Limit) { l.Period = 1500 * time.Nanosecond },
		"burst":         func(l *Limit) { l.Burst = -1 },
		"too precise":   func(l *Limit) { l.Period, l.Count, l.Burst = 1000*time.Hour, 7, 1<<40 },
		"id mismatch":   func(l *Limit) { l.ID = "b#0" },
		"count is zero": func(l *Limit) { l.Count = 0 },
	} {
		l := ok
		mut(&l)
		if _, err := (Config{Limits: map[string]Limit{"a#0": l}}).withDefaults(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := (Config{Limits: map[string]Limit{"a#0": ok}, OnRedisError: "maybe"}).withDefaults(); err == nil {
		t.Error("on_redis_error maybe accepted")
	}
	c, err := (Config{Limits: map[string]Limit{"a#0": ok}}).withDefaults()
	if err != nil || c.Domain != DefaultDomain || c.OnRedisError != OnErrorAllow || c.RedisTimeout != DefaultRedisTimeout {
		t.Fatalf("defaults: %+v %v", c, err)
	}
}

func TestHitsAddendIsTheCost(t *testing.T) {
	srv := redistest.Start(t)
	l := Limit{ID: "h#0", Group: "h", Per: Per{Kind: PerRoute}, Count: 5, Period: time.Hour, Burst: 5}
	r := newRig(t, cfg(l), FromRueidis(newRueidis(t, srv.Addr())))
	three := desc(l.ID)
	three.HitsAddend = wrapperspb.UInt64(3)
	if got := r.call(three).GetStatuses()[0].GetLimitRemaining(); got != 2 {
		t.Fatalf("cost 3 of burst 5: remaining %d, want 2", got)
	}
	if r.call(three).GetOverallCode() != rlsv3.RateLimitResponse_OVER_LIMIT {
		t.Fatal("cost 3 admitted with 2 left")
	}
	resp, err := r.client.ShouldRateLimit(context.Background(), &rlsv3.RateLimitRequest{
		Domain: "strangler", HitsAddend: 2, Descriptors: []*commonrl.RateLimitDescriptor{desc(l.ID)}})
	if err != nil || resp.GetOverallCode() != rlsv3.RateLimitResponse_OK || resp.GetStatuses()[0].GetLimitRemaining() != 0 {
		t.Fatalf("request-level hits_addend 2 with 2 left: %v %v", resp, err)
	}
}

func TestLongValuesAreHashedIntoTheKey(t *testing.T) {
	l := &limit{Limit: Limit{ID: "k#0", Group: "k"}}
	long := strings.Repeat("x", 5000)
	k1, k2 := appendKey(nil, l, long), appendKey(nil, l, long+"y")
	if len(k1) != len("rl:{k}:k#0:")+64 || string(k1) == string(k2) {
		t.Fatalf("long values: %q, %q", k1, k2)
	}
	if got := string(appendKey(nil, l, "10.0.0.1")); got != "rl:{k}:k#0:10.0.0.1" {
		t.Fatalf("key %q", got)
	}
}

func TestConcurrentDecisionsShareScriptCalls(t *testing.T) {
	srv := redistest.Start(t)
	l := Limit{ID: "c#0", Group: "c", Per: perIP, Count: 1000, Period: time.Second}
	r := newRig(t, cfg(l), FromRueidis(newRueidis(t, srv.Addr())))
	var wg sync.WaitGroup
	for w := range 32 {
		wg.Go(func() {
			for n := range 40 {
				ip := "10.7." + itoa(w) + "." + itoa(n)
				if r.call(desc(l.ID, "remote_address", ip)).GetStatuses()[0].GetCurrentLimit() == nil {
					t.Error("not decided by Redis")
				}
			}
		})
	}
	wg.Wait()
	calls := metricValue(t, r.reg, "strangler_ratelimit_redis_seconds")
	t.Logf("1280 decisions in %v script calls", calls)
	if calls >= 0.9*1280 {
		t.Fatalf("1280 concurrent decisions took %v script calls: no batching", calls)
	}
}

// Envoy's X-RateLimit-Remaining must never exceed X-RateLimit-Limit: with
// a burst above the rate, what is left of the burst is reported only up to
// the rate per unit that current_limit declares.
func TestRemainingNeverExceedsTheLimitShown(t *testing.T) {
	srv := redistest.Start(t)
	l := Limit{ID: "bk#0", Group: "bk", Per: perIP, Count: 2, Period: time.Second, Burst: 4}
	r := newRig(t, cfg(l), FromRueidis(newRueidis(t, srv.Addr())))
	var admitted int
	for i := range 6 {
		resp := r.call(desc(l.ID, "remote_address", "10.1.1.1"))
		st := resp.GetStatuses()[0]
		if cl := st.GetCurrentLimit(); cl.GetRequestsPerUnit() != 2 || cl.GetUnit() != rlsv3.RateLimitResponse_RateLimit_SECOND {
			t.Fatalf("request %d: current_limit %v, want 2 per second", i+1, cl)
		}
		if st.GetLimitRemaining() > 2 {
			t.Fatalf("request %d: remaining %d above the limit of 2", i+1, st.GetLimitRemaining())
		}
		if resp.GetOverallCode() == rlsv3.RateLimitResponse_OK {
			admitted++
		}
	}
	if admitted != 4 {
		t.Fatalf("%d of 6 immediate requests admitted, want the burst of 4", admitted)
	}
}
