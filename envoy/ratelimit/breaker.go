package ratelimit

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// breaker stops waiting on a Redis that is down: after breakerThreshold
// consecutive failures it opens, and while open only one decision per
// probeEvery goes to Redis (the probe); the probe's success closes it. A
// restarted Redis is thus in use again within probeEvery of coming back,
// with no goroutine of its own.
type breaker struct {
	fails     atomic.Int32
	open      atomic.Bool
	nextProbe atomic.Int64 // mono ns
	state     prometheus.Gauge
}

const (
	breakerThreshold = 5
	probeEvery       = 100 * time.Millisecond
)

// allow reports whether this decision may call Redis.
func (b *breaker) allow(now int64) bool {
	if !b.open.Load() {
		return true
	}
	next := b.nextProbe.Load()
	return now >= next && b.nextProbe.CompareAndSwap(next, now+int64(probeEvery))
}

// success records a working call; it reports whether that closed the breaker.
func (b *breaker) success() bool {
	if b.fails.Load() != 0 {
		b.fails.Store(0)
	}
	if b.open.Load() && b.open.CompareAndSwap(true, false) {
		b.state.Set(0)
		return true
	}
	return false
}

// failure records a failed call; it reports whether that opened the breaker.
func (b *breaker) failure(now int64) bool {
	if b.fails.Add(1) < breakerThreshold || b.open.Load() {
		return false
	}
	b.nextProbe.Store(now + int64(probeEvery))
	if b.open.CompareAndSwap(false, true) {
		b.state.Set(1)
		return true
	}
	return false
}
