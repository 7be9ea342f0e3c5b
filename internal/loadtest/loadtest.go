// Package loadtest is what the load benchmarks share: a time-bound closed
// loop that records each call's latency, its figures, and the CPU a process
// spent, so that the rate limit and cache benchmarks measure the same way.
package loadtest

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Duration is how long each closed loop runs: STRANGLER_BENCH_SECONDS, or
// def. The loops are time-bound; run them with -benchtime=1x.
func Duration(def time.Duration) time.Duration {
	if s, err := strconv.Atoi(os.Getenv("STRANGLER_BENCH_SECONDS")); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return def
}

// Result is one closed loop's figures over the calls it counted.
type Result struct {
	N        int
	Rate     float64 // counted calls per second
	P50, P99 time.Duration
}

// ClosedLoop runs callers goroutines for d, each calling call(worker, n) as
// soon as its previous call returned. A call that returns counted false is
// not a latency sample (say, an answer that was not the one measured); an
// error fails the benchmark. The benchmark timer covers the loop only.
func ClosedLoop(b *testing.B, callers int, d time.Duration, call func(worker, n int) (counted bool, err error)) Result {
	b.Helper()
	var stop atomic.Bool
	lat := make([][]time.Duration, callers)
	var wg sync.WaitGroup
	b.ResetTimer()
	begin := time.Now()
	for w := range callers {
		wg.Go(func() {
			mine := make([]time.Duration, 0, 1<<16)
			for n := 0; !stop.Load(); n++ {
				s := time.Now()
				counted, err := call(w, n)
				if err != nil {
					b.Error(err)
					return
				}
				if counted {
					mine = append(mine, time.Since(s))
				}
			}
			lat[w] = mine
		})
	}
	time.Sleep(d)
	stop.Store(true)
	wg.Wait()
	elapsed := time.Since(begin)
	b.StopTimer()
	all := slices.Concat(lat...)
	if len(all) == 0 {
		b.Fatal("no calls completed")
	}
	slices.Sort(all)
	return Result{N: len(all), Rate: float64(len(all)) / elapsed.Seconds(), P50: all[len(all)/2], P99: all[len(all)*99/100]}
}

// CPU is the user+system CPU a process has used ("self" or a pid), from
// /proc/<pid>/stat fields 14 and 15 (clock ticks of 10 ms); 0 when it cannot
// be read. It splits a load's CPU between this Go process and redis-server.
func CPU(pid string) time.Duration {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]) // f[0] is field 3, the state
	var ticks int64
	for _, i := range []int{14 - 3, 15 - 3} {
		n, _ := strconv.ParseInt(f[i], 10, 64)
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}

// Report adds a loop's rate (in unit, say "decisions/s"), its p50 and p99
// in milliseconds and the ns/op that rate means to b's figures.
func (r Result) Report(b *testing.B, unit string) {
	b.ReportMetric(r.Rate, unit)
	b.ReportMetric(r.P50.Seconds()*1000, "p50-ms")
	b.ReportMetric(r.P99.Seconds()*1000, "p99-ms")
	b.ReportMetric(1e9/r.Rate, "ns/op")
}

// CPUPerOp is the CPU µs per operation process pid (see CPU) spent since
// it had used start, over n operations.
func CPUPerOp(pid string, start time.Duration, n int) float64 {
	return float64((CPU(pid) - start).Microseconds()) / float64(n)
}
