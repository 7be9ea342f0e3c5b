package shadow

import (
	"context"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkReceiverThroughput drives the receiver through real gRPC capture
// streams and real HTTP mirrors with its only worker stuck, so the queue is
// full and every pair past it is dropped: it measures what Envoy's side of
// the receiver sustains, and that memory stays flat while it drops.
func BenchmarkReceiverThroughput(b *testing.B) {
	rg := newRig(b, func(c *Config) { c.Workers, c.QueueSize, c.JoinTTL = 1, 64, time.Second })
	release := make(chan struct{})
	rg.new.setBlock(release)
	b.Cleanup(func() { close(release) }) // before the backends close (cleanups run last-in first-out)

	u := categoryReq(1)
	u.Side = SideLegacy
	ans, err := rg.node.envoy.fetchPrimary(context.Background(), u)
	if err != nil {
		b.Fatal(err)
	}
	u.Primary = ans
	heapBefore := heapInUse()
	var seq atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := u
			req.ID = "bench-" + strconv.FormatInt(seq.Add(1), 10)
			req.Concurrent = true
			if err := rg.node.envoy.serve(context.Background(), req); err != nil {
				b.Error(err)
				return
			}
		}
	})
	elapsed := time.Since(start).Seconds()
	b.StopTimer()
	heapAfter := heapInUse()
	joined := counterValue(b, rg.node.reg, "strangler_shadow_joined_total", map[string]string{"route": testRoute})
	drops := dropped(b, rg.node, dropQueueFull)
	b.ReportMetric(joined/elapsed, "joined/s")
	b.ReportMetric(drops/elapsed, "dropped/s")
	b.ReportMetric(float64(heapBefore)/(1<<20), "heapMB-before")
	b.ReportMetric(float64(heapAfter)/(1<<20), "heapMB-after")
	b.ReportMetric(float64(rg.node.r.budget.used.Load())/(1<<10), "heldKB")
	// Retaining anything per request would show here: b.N pairs of ~1 KiB
	// bodies are hundreds of MiB at a realistic benchtime.
	if growth := int64(heapAfter) - int64(heapBefore); growth > 64<<20 {
		b.Fatalf("heap grew by %d MiB over %d requests", growth>>20, b.N)
	}
	if q := counterValue(b, rg.node.reg, "strangler_shadow_queue_length", nil); q > 64 {
		b.Fatalf("queue length %v over its capacity", q)
	}
	if waiting := rg.node.r.joiner.size(); waiting > rg.node.r.fixed.JoinTableSize {
		b.Fatalf("%d halves waiting, over the table's bound", waiting)
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}
