package shadow

import (
	"math"
	"sort"
	"strconv"
	"time"
)

// latencyBounds are the fixed upper bounds, in milliseconds, of the latency
// histogram buckets; the last bucket is open (+Inf). Buckets are stored by
// bound, not index, so that adding a bound later leaves old data readable.
// They are about 25 % apart, which bounds a quantile's error to that.
var latencyBounds = []float64{
	0.5, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300,
	400, 500, 600, 800, 1000, 1200, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 8000, 10000, 15000,
	20000, 30000, 60000,
}

const infBound = "+Inf"

// latencyBucket is the name of the bucket d falls in.
func latencyBucket(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	i := sort.SearchFloat64s(latencyBounds, ms) // first bound >= ms
	if i == len(latencyBounds) {
		return infBound
	}
	return strconv.FormatFloat(latencyBounds[i], 'f', -1, 64)
}

// histogram is summed bucket counts, by bound (math.Inf(1) for the open one).
type histogram map[float64]int64

func (h histogram) add(bound string, n int64) {
	if bound == infBound {
		h[math.Inf(1)] += n
		return
	}
	if b, err := strconv.ParseFloat(bound, 64); err == nil {
		h[b] += n
	}
}

// Latency is a side's response time over a report's range.
type Latency struct {
	Count int64   `json:"count"`
	P50   float64 `json:"p50_ms"`
	P95   float64 `json:"p95_ms"`
	P99   float64 `json:"p99_ms"`
}

func (h histogram) latency() Latency {
	l := Latency{}
	for _, n := range h {
		l.Count += n
	}
	if l.Count == 0 {
		return l
	}
	l.P50, l.P95, l.P99 = h.quantile(0.50), h.quantile(0.95), h.quantile(0.99)
	return l
}

// quantile interpolates linearly inside the bucket holding the q-th sample,
// as Prometheus's histogram_quantile does; in the open bucket it answers the
// last finite bound.
func (h histogram) quantile(q float64) float64 {
	bounds := make([]float64, 0, len(h))
	var total int64
	for b, n := range h {
		bounds = append(bounds, b)
		total += n
	}
	sort.Float64s(bounds)
	rank := q * float64(total)
	var cum int64
	for _, b := range bounds {
		n := h[b]
		if float64(cum+n) >= rank && n > 0 {
			if math.IsInf(b, 1) {
				return latencyBounds[len(latencyBounds)-1]
			}
			lo := prevBound(b)
			return lo + (b-lo)*(rank-float64(cum))/float64(n)
		}
		cum += n
	}
	return latencyBounds[len(latencyBounds)-1]
}

// prevBound is the bucket's lower edge.
func prevBound(b float64) float64 {
	i := sort.SearchFloat64s(latencyBounds, b)
	if i == 0 {
		return 0
	}
	return latencyBounds[i-1]
}

// duration is a quantile in milliseconds as a Duration.
func msDuration(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }
