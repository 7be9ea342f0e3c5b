package ratelimit

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	commonrl "github.com/envoyproxy/go-control-plane/envoy/extensions/common/ratelimit/v3"
	rlsv3 "github.com/envoyproxy/go-control-plane/envoy/service/ratelimit/v3"
	"github.com/redis/go-redis/v9"

	"github.com/strangler-dev/strangler/internal/redistest"
)

// BenchmarkRedisClient compares the two Redis clients behind the Redis
// interface, from 32 goroutines on distinct keys: "script" calls the
// decision script through the interface directly (one call per decision:
// the client's own pipelining is what differs), "service" decides through
// the service, whose batcher joins concurrent decisions.
func BenchmarkRedisClient(b *testing.B) {
	srv := redistest.Start(b)
	clients := map[string]func() Redis{
		"rueidis": func() Redis { return FromRueidis(newRueidis(b, srv.Addr())) },
		"go-redis": func() Redis {
			c := redis.NewClient(&redis.Options{Addr: srv.Addr(), PoolSize: 32})
			b.Cleanup(func() { _ = c.Close() })
			return goRedis{c}
		},
	}
	l := Limit{ID: "b#0", Group: "b", Per: perIP, Count: 1000, Period: time.Second}
	a := newRate(l).args()
	for _, name := range []string{"rueidis", "go-redis"} {
		b.Run(name+"/script", func(b *testing.B) {
			red := clients[name]()
			var seq atomic.Int64
			b.SetParallelism(16) // 32 goroutines on 2 cores
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				args := []string{opDecide, "1", "1", a[0], a[1], a[2], "1", "0"}
				var out []int64
				for pb.Next() {
					keys := []string{fmt.Sprintf("rl:{b}:b#0:%d", seq.Add(1))}
					var err error
					out, err = red.EvalSHA(context.Background(), gcraScript.sha, keys, args, out[:0])
					if err != nil && isNoScript(err) {
						out, err = red.Eval(context.Background(), gcraScript.src, keys, args, out[:0])
					}
					if err != nil || len(out) != 5 {
						b.Fatalf("script: %v %v", out, err)
					}
				}
			})
		})
		b.Run(name+"/service", func(b *testing.B) {
			svc := newService(b, Config{Limits: limits(l), RedisTimeout: time.Second}, clients[name](), nil)
			var seq atomic.Int64
			b.SetParallelism(16)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := &rlsv3.RateLimitRequest{Domain: "strangler", Descriptors: []*commonrl.RateLimitDescriptor{
						desc(l.ID, "remote_address", fmt.Sprintf("c%d", seq.Add(1)))}}
					resp, err := svc.ShouldRateLimit(context.Background(), req)
					if err != nil || resp.GetStatuses()[0].GetCurrentLimit() == nil {
						b.Fatalf("not decided by Redis: %v %v", resp, err)
					}
				}
			})
		})
	}
}

// BenchmarkDecisionAllocs shows what one decision allocates in the service
// itself (no gRPC): a hot key answered by the local cache, and a decision
// that goes to Redis.
func BenchmarkDecisionAllocs(b *testing.B) {
	srv := redistest.Start(b)
	l := Limit{ID: "a#0", Group: "a", Per: perIP, Count: 1, Period: time.Hour, Burst: 1}
	svc := newService(b, Config{Limits: limits(l), RedisTimeout: time.Second}, FromRueidis(newRueidis(b, srv.Addr())), nil)
	req := &rlsv3.RateLimitRequest{Domain: "strangler", Descriptors: []*commonrl.RateLimitDescriptor{desc(l.ID, "remote_address", "10.0.0.1")}}
	b.Run("cached-over-limit", func(b *testing.B) {
		_, _ = svc.ShouldRateLimit(context.Background(), req)
		_, _ = svc.ShouldRateLimit(context.Background(), req)
		b.ReportAllocs()
		for b.Loop() {
			if resp, _ := svc.ShouldRateLimit(context.Background(), req); resp.GetOverallCode() != rlsv3.RateLimitResponse_OVER_LIMIT {
				b.Fatal("admitted")
			}
		}
	})
	b.Run("redis", func(b *testing.B) {
		// Shadow: always decided in Redis, never cached.
		sh := l
		sh.Shadow = true
		if err := svc.Update(Config{Limits: limits(sh), RedisTimeout: time.Second}); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := svc.ShouldRateLimit(context.Background(), req); err != nil {
				b.Fatal(err)
			}
		}
	})
}
