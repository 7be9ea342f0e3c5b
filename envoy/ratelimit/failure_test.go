package ratelimit

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	commonrl "github.com/envoyproxy/go-control-plane/envoy/extensions/common/ratelimit/v3"
	rlsv3 "github.com/envoyproxy/go-control-plane/envoy/service/ratelimit/v3"

	"github.com/strangler-dev/strangler/internal/redistest"
)

// outcome is one call made under load while Redis was being broken.
type outcome struct {
	start, took time.Duration // since the load began
	redis       bool          // decided by Redis (current_limit present)
	policy      bool          // answered by the deny policy
}

// load calls the service from workers goroutines, distinct client IPs so the
// local cache never answers, until stop closes.
func load(t *testing.T, c rlsv3.RateLimitServiceClient, id string, workers int, stop <-chan struct{}) (time.Time, func() []outcome) {
	begin := time.Now()
	var mu sync.Mutex
	var all []outcome
	var wg sync.WaitGroup
	var seq atomic.Int64
	for range workers {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				n := seq.Add(1)
				ip := fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255)
				s := time.Now()
				resp, err := c.ShouldRateLimit(context.Background(), &rlsv3.RateLimitRequest{
					Domain: "strangler", Descriptors: []*commonrl.RateLimitDescriptor{desc(id, "remote_address", ip)}})
				if err != nil {
					t.Errorf("ShouldRateLimit: %v", err)
					return
				}
				st := resp.GetStatuses()[0]
				o := outcome{start: s.Sub(begin), took: time.Since(s), redis: st.GetCurrentLimit() != nil,
					policy: st.GetCode() == rlsv3.RateLimitResponse_OVER_LIMIT && st.GetCurrentLimit() == nil}
				mu.Lock()
				all = append(all, o)
				mu.Unlock()
			}
		})
	}
	return begin, func() []outcome { wg.Wait(); return all }
}

// bound is what a decision may take when Redis is gone: the service's own
// deadline plus room for a gRPC round trip on a busy 2-core machine.
const (
	failTimeout = 20 * time.Millisecond
	bound       = failTimeout + 750*time.Millisecond
)

func failureRig(t *testing.T, srv *redistest.Server) (*rig, Limit) {
	l := Limit{ID: "f#0", Group: "f", Per: perIP, Count: 1000, Period: time.Second}
	c := Config{Limits: limits(l), RedisTimeout: failTimeout, OnRedisError: OnErrorDeny}
	return newRig(t, c, FromRueidis(newRueidis(t, srv.Addr()))), l
}

func TestRedisKilledAndRestartedUnderLoad(t *testing.T) {
	r, l := outageUnderLoad(t, (*redistest.Server).Kill, (*redistest.Server).Restart)
	// A busy machine can time a few calls out and reopen the breaker after
	// the recovery; a Redis decision must close it again.
	for range 20 {
		if r.call(desc(l.ID, "remote_address", "10.255.0.1")).GetStatuses()[0].GetCurrentLimit() != nil {
			break
		}
		time.Sleep(probeEvery + 10*time.Millisecond)
	}
	if metricValue(t, r.reg, "strangler_ratelimit_breaker_state") != 0 {
		t.Error("circuit breaker still open after a Redis decision")
	}
	if metricValue(t, r.reg, "strangler_ratelimit_decisions_total", "limit", l.ID, "result", resultErrorDeny) == 0 {
		t.Error("no error_deny decisions counted")
	}
}

func TestHungRedisAnswersWithinTheDeadline(t *testing.T) {
	r, _ := outageUnderLoad(t, (*redistest.Server).Pause, (*redistest.Server).Resume)
	if metricValue(t, r.reg, "strangler_ratelimit_redis_errors_total", "kind", redisErrTimeout) == 0 {
		t.Error("no timeouts counted against a hung Redis")
	}
}

// outageUnderLoad breaks Redis for a second under load, heals it, and
// checks every call made meanwhile (checkOutage). The breaker must be open
// during the outage.
func outageUnderLoad(t *testing.T, breakRedis, heal func(*redistest.Server)) (*rig, Limit) {
	srv := redistest.Start(t)
	if !srv.Real() {
		t.Skip("needs a redis-server process to break")
	}
	r, l := failureRig(t, srv)
	stop := make(chan struct{})
	begin, wait := load(t, r.client, l.ID, 8, stop)
	time.Sleep(300 * time.Millisecond)
	breakRedis(srv)
	down := time.Since(begin)
	time.Sleep(time.Second)
	if metricValue(t, r.reg, "strangler_ratelimit_breaker_state") != 1 {
		t.Error("circuit breaker not open while Redis is down")
	}
	healing := time.Since(begin) // Redis may answer before heal returns
	heal(srv)
	up := time.Since(begin)
	time.Sleep(1500 * time.Millisecond)
	close(stop)
	checkOutage(t, wait(), down, healing, up)
	return r, l
}

// checkOutage holds every call to the bound, wants the deny policy during
// the outage, and Redis decisions again within a second of its return.
func checkOutage(t *testing.T, all []outcome, down, healing, up time.Duration) {
	t.Helper()
	var slowest time.Duration
	var during, denied, before int
	recovered := time.Duration(-1)
	for _, o := range all {
		slowest = max(slowest, o.took)
		if o.took > bound {
			t.Errorf("a call at +%v took %v, over the %v bound", o.start, o.took, bound)
		}
		switch {
		case o.start+o.took < down:
			if o.redis {
				before++
			}
		case o.start > down+50*time.Millisecond && o.start+o.took < healing:
			during++
			if o.policy {
				denied++
			}
		case o.start >= up && o.redis && (recovered < 0 || o.start-up < recovered):
			recovered = o.start - up
		}
	}
	t.Logf("%d calls, slowest %v; before %d by Redis; during the outage %d, %d denied by policy; Redis again %v after its return",
		len(all), slowest, before, during, denied, recovered)
	if before == 0 || during == 0 {
		t.Fatalf("the load did not span the outage: %d before, %d during", before, during)
	}
	if denied != during {
		t.Errorf("%d of %d calls during the outage were not denied by policy", during-denied, during)
	}
	if recovered < 0 || recovered > time.Second {
		t.Errorf("Redis decisions resumed %v after Redis came back, want <= 1s", recovered)
	}
}
