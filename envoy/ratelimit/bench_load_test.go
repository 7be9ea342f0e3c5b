package ratelimit

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	commonrl "github.com/envoyproxy/go-control-plane/envoy/extensions/common/ratelimit/v3"
	rlsv3 "github.com/envoyproxy/go-control-plane/envoy/service/ratelimit/v3"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	"github.com/strangler-dev/strangler/internal/grpcserver"
	"github.com/strangler-dev/strangler/internal/loadtest"
	"github.com/strangler-dev/strangler/internal/redistest"
)

// BenchmarkLoad drives the service through real gRPC against a real
// redis-server, closed loop, for STRANGLER_BENCH_SECONDS (default 5) per
// case, like the reference measurements in shared/notes/ratelimit.md
// (concurrency 32 over 4 HTTP/2 connections): (a) distinct keys, (b) one
// hot key over its limit. Each load runs against this service (gcra) and
// the fixed-window baseline; the baseline case reports the ratio.
// BENCH_NOBATCH=1 turns the batcher off, to see what batching buys.
// Run it alone: go test -run XXX -bench Load ./envoy/ratelimit/
func BenchmarkLoad(b *testing.B) {
	d := loadtest.Duration(5 * time.Second)
	srv := redistest.Start(b)
	if !srv.Real() {
		b.Log("no redis-server: figures are against miniredis and mean little")
	}
	limit := map[string]Limit{
		"distinct": {ID: "load#0", Group: "load", Per: perIP, Count: 1000, Period: time.Second},
		"hot":      {ID: "load#1", Group: "load", Per: perIP, Count: 100, Period: time.Hour},
	}
	for _, client := range []string{"lean-client", "grpc-go-client"} {
		b.Run(client+"/grpc-only", func(b *testing.B) {
			// The ceiling: the same load against a service that answers OK at
			// once, no Redis: what gRPC alone costs on this machine.
			self0 := loadtest.CPU("self")
			res := closedLoop(b, client, noopService{}, "none", false, d)
			b.ReportMetric(loadtest.CPUPerOp("self", self0, res.N), "go-cpu-us/op")
			res.Report(b, "decisions/s")
		})
		for _, load := range []string{"distinct", "hot"} {
			var gcraRate float64
			for _, impl := range []string{"gcra", "fixedwindow"} {
				b.Run(client+"/"+load+"/"+impl, func(b *testing.B) {
					l := limit[load]
					var server rlsv3.RateLimitServiceServer
					var svc *Service
					reg := prometheus.NewRegistry()
					if impl == "gcra" {
						// A deadline long enough that every answer is a Redis decision,
						// not the error policy; redis-timeouts shows it stayed 0.
						svc = newService(b, Config{Limits: limits(l), RedisTimeout: time.Second}, FromRueidis(newRueidis(b, srv.Addr())), reg)
						if os.Getenv("BENCH_NOBATCH") != "" {
							svc.batch.close()
							svc.batch = nil
						}
						server = svc
					} else {
						fw := &fixedWindow{c: newRueidis(b, srv.Addr()), limits: limits(l)}
						if load == "hot" {
							fw.cache = newOverCache() // the reference's best hot-key figure had its cache on
						}
						server = fw
					}
					redisPid := strconv.Itoa(srv.Pid())
					self0, redis0 := loadtest.CPU("self"), loadtest.CPU(redisPid)
					res := closedLoop(b, client, server, l.ID, load == "hot", d)
					b.ReportMetric(loadtest.CPUPerOp("self", self0, res.N), "go-cpu-us/op")
					b.ReportMetric(loadtest.CPUPerOp(redisPid, redis0, res.N), "redis-cpu-us/op")
					res.Report(b, "decisions/s")
					if svc != nil {
						b.ReportMetric(metricValue(b, reg, "strangler_ratelimit_redis_errors_total", "kind", redisErrTimeout), "redis-timeouts")
						if calls := metricValue(b, reg, "strangler_ratelimit_redis_seconds"); calls > 0 {
							b.ReportMetric(float64(res.N)/calls, "decisions/call")
						}
					}
					if impl == "gcra" {
						gcraRate = res.Rate
					} else {
						b.ReportMetric(gcraRate/res.Rate, "gcra/baseline")
					}
					b.Logf("%s %s: %.0f decisions/s, p50 %v, p99 %v, %d calls", load, impl, res.Rate, res.P50, res.P99, res.N)
				})
			}
		}
	}
}

// closedLoop runs 32 callers over 4 connections for d: each sends its next
// request when the previous answer arrives. client "lean-client" is
// loadtest's pre-encoding HTTP/2 client, which stands in for Envoy (whose
// C++ client costs this service's machine nothing in production);
// "grpc-go-client" is grpc-go's, whose CPU shares the two cores with the
// service.
func closedLoop(b *testing.B, client string, server rlsv3.RateLimitServiceServer, id string, hot bool, d time.Duration) loadtest.Result {
	b.Helper()
	const callers, conns = 32, 4
	srv := grpc.NewServer(benchServerOptions()...)
	rlsv3.RegisterRateLimitServiceServer(srv, server)
	request := func(w, n int) *rlsv3.RateLimitRequest {
		ip := "10.0.0.1"
		if !hot {
			ip = fmt.Sprintf("10.%d.%d.%d", w, n>>8&255, n&255)
		}
		return &rlsv3.RateLimitRequest{Domain: "strangler", Descriptors: []*commonrl.RateLimitDescriptor{desc(id, "remote_address", ip)}}
	}
	if client == "grpc-go-client" {
		clients := serveRaw(b, srv, conns)
		return loadtest.ClosedLoop(b, callers, d, func(w, n int) (bool, error) {
			_, err := clients[w%conns].ShouldRateLimit(context.Background(), request(w, n))
			return true, err
		})
	}
	lean := loadtest.DialGRPCConns(b, loadtest.Serve(b, srv), conns)
	method := loadtest.Method("/envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit")
	return loadtest.ClosedLoop(b, callers, d, func(w, n int) (bool, error) {
		msg, err := proto.Marshal(request(w, n))
		if err != nil {
			return false, err
		}
		reply, err := lean[w%conns].Unary(method, msg)
		if err != nil {
			return false, err
		}
		// Field 1 (overall_code), a varint: OK (1) or OVER_LIMIT (2).
		if len(reply) < 2 || reply[0] != 1<<3 || reply[1] < 1 || reply[1] > 2 {
			return false, fmt.Errorf("not a decision: % x", reply[:min(len(reply), 8)])
		}
		return true, nil
	})
}

func benchServerOptions() []grpc.ServerOption {
	if os.Getenv("BENCH_PLAIN") != "" {
		return nil
	}
	return grpcserver.Options()
}

type noopService struct {
	rlsv3.UnimplementedRateLimitServiceServer
}

func (noopService) ShouldRateLimit(_ context.Context, req *rlsv3.RateLimitRequest) (*rlsv3.RateLimitResponse, error) {
	return allOK(len(req.GetDescriptors())), nil
}
