package ratelimit

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	commonrl "github.com/envoyproxy/go-control-plane/envoy/extensions/common/ratelimit/v3"
	rlsv3 "github.com/envoyproxy/go-control-plane/envoy/service/ratelimit/v3"

	"github.com/strangler-dev/strangler/internal/redistest"
)

// distantRedis is a real Redis behind a longer round trip, and counts the
// script calls in flight at once.
type distantRedis struct {
	Redis
	delay        time.Duration
	now, most, n atomic.Int32
	sizes        sync.Map // call number -> decisions in it
}

func (r *distantRedis) EvalSHA(ctx context.Context, sha1 string, keys, args []string, dst []int64) ([]int64, error) {
	cur := r.now.Add(1)
	defer r.now.Add(-1)
	for m := r.most.Load(); cur > m && !r.most.CompareAndSwap(m, cur); m = r.most.Load() {
	}
	r.sizes.Store(r.n.Add(1), args[1])
	time.Sleep(r.delay)
	return r.Redis.EvalSHA(ctx, sha1, keys, args, dst)
}

func decideMany(t *testing.T, svc *Service, l Limit, callers, each int) {
	t.Helper()
	var wg sync.WaitGroup
	for w := range callers {
		wg.Go(func() {
			for n := range each {
				d := desc(l.ID, "remote_address", "10.9."+itoa(w)+"."+itoa(n))
				resp, err := svc.ShouldRateLimit(context.Background(), &rlsv3.RateLimitRequest{Domain: "strangler", Descriptors: []*commonrl.RateLimitDescriptor{d}})
				if err != nil || resp.GetStatuses()[0].GetCurrentLimit() == nil {
					t.Errorf("not decided by Redis: %v %v", resp, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// One decision at a time: each goes out alone, at once, one call in flight.
// A backlog behind a slow Redis: full batches go out while others are in
// flight, instead of waiting in the queue until their deadline.
func TestBatchesGoOutAloneWhenIdleAndInParallelUnderBacklog(t *testing.T) {
	srv := redistest.Start(t)
	l := Limit{ID: "b#0", Group: "b", Per: perIP, Count: 1000, Period: time.Second}

	r := &distantRedis{Redis: FromRueidis(newRueidis(t, srv.Addr())), delay: time.Millisecond}
	svc := newService(t, Config{Limits: limits(l), RedisTimeout: 2 * time.Second}, r, nil)
	decideMany(t, svc, l, 1, 20)
	if got := r.most.Load(); got != 1 || r.n.Load() != 20 {
		t.Fatalf("sequential decisions: %d calls, %d in flight at most; want 20 calls, 1 at a time", r.n.Load(), got)
	}

	r = &distantRedis{Redis: FromRueidis(newRueidis(t, srv.Addr())), delay: 200 * time.Millisecond}
	svc = newService(t, Config{Limits: limits(l), RedisTimeout: 2 * time.Second}, r, nil)
	decideMany(t, svc, l, 4*maxBatch+1, 1)
	if got := r.most.Load(); got != maxCalls {
		t.Fatalf("%d decisions at once behind a slow Redis: at most %d calls in flight, want %d", 4*maxBatch+1, got, maxCalls)
	}
	full := 0
	r.sizes.Range(func(_, v any) bool {
		if v.(string) == itoa(maxBatch) {
			full++
		}
		return true
	})
	if full < maxCalls-1 {
		t.Fatalf("%d full batches of %d calls; the backlog should have gone out in full batches", full, r.n.Load())
	}
}
