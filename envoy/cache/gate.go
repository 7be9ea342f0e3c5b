package cache

import (
	"sync/atomic"
	"time"
)

// gate stops requests from each waiting out the Redis deadline while Redis
// is down: after gateFailures failures in a row it shuts, and while shut one
// call per gateProbe is let through; its success opens the gate again.
type gate struct {
	failures atomic.Int32
	shutTill atomic.Int64 // Unix ns; 0 while open
}

const (
	gateFailures = 5
	gateProbe    = 100 * time.Millisecond
)

func (g *gate) allow(now int64) bool {
	till := g.shutTill.Load()
	if till == 0 {
		return true
	}
	// One caller wins the probe slot by moving the deadline on.
	return now >= till && g.shutTill.CompareAndSwap(till, now+int64(gateProbe))
}

func (g *gate) success() {
	if g.failures.Load() != 0 {
		g.failures.Store(0)
	}
	if g.shutTill.Load() != 0 {
		g.shutTill.Store(0)
	}
}

func (g *gate) failure(now int64) {
	if g.failures.Add(1) >= gateFailures {
		g.shutTill.CompareAndSwap(0, now+int64(gateProbe))
	}
}

func (g *gate) shut() bool { return g.shutTill.Load() != 0 }
