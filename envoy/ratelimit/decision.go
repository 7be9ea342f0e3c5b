package ratelimit

import (
	"bytes"
	"time"

	commonrl "github.com/envoyproxy/go-control-plane/envoy/extensions/common/ratelimit/v3"
)

// decision is the scratch space of one ShouldRateLimit call, pooled so a
// decision allocates little beyond its response.
type decision struct {
	items []item // one per descriptor
	slots []slot // one per distinct key
	buf   []byte // every slot's key, back to back
	keys  []string
	args  []string
	out   []int64

	// For the batcher (batch.go).
	done     chan error // the verdicts are filed; buffered, so a worker never waits
	deadline int64      // mono ns after which the caller no longer waits
	timer    *time.Timer
	lost     bool // the caller gave up while a worker held it: never reuse
}

type item struct {
	slot int32 // index in slots, or skipNotEvaluated (answered OK, counted nowhere)
}

const skipNotEvaluated = -1

// slot is one Redis key to decide, and after the decision its verdict.
type slot struct {
	lim        *limit
	start, end int32 // key in decision.buf
	cost       int64

	cached    bool // rejected from the local over-limit cache
	entry     overEntry
	evaluated bool
	over      bool
	remaining int64
	resetUS   int64
	retryUS   int64
}

func newDecision() *decision { return &decision{done: make(chan error, 1)} }

func (d *decision) reset(n int) {
	d.items = d.items[:0]
	d.slots = d.slots[:0]
	d.buf = d.buf[:0]
	d.keys = d.keys[:0]
	d.args = d.args[:0]
	d.out = d.out[:0]
	if cap(d.items) < n {
		d.items = make([]item, 0, n)
	}
}

func (d *decision) key(s *slot) []byte { return d.buf[s.start:s.end] }

// answered is the slot behind descriptor i if it has a verdict, from Redis
// or (fromCache) from the local cache; nil if it has none.
func (d *decision) answered(i int, fromCache bool) *slot {
	at := d.items[i].slot
	if at == skipNotEvaluated {
		return nil
	}
	sl := &d.slots[at]
	if (fromCache && !sl.cached) || (!fromCache && !sl.evaluated) {
		return nil
	}
	return sl
}

// add files descriptor i under its key, merging a repeated key (its costs
// add up) so the script sees each key once.
func (d *decision) add(t *table, desc *commonrl.RateLimitDescriptor, hits uint64) (unknownLimit bool) {
	l, value, res := t.match(desc)
	if res != matched || desc.GetIsNegativeHits() {
		d.items = append(d.items, item{slot: skipNotEvaluated})
		return res == unknown
	}
	cost := hits
	if h := desc.GetHitsAddend(); h != nil {
		cost = h.GetValue()
	}
	// A cost above the burst can never be admitted; capping it keeps the
	// script's numbers exact without changing any verdict.
	if cost > uint64(l.rate.burst) {
		cost = uint64(l.rate.burst) + 1
	}
	start := len(d.buf)
	d.buf = appendKey(d.buf, l, value)
	k := d.buf[start:]
	for i := range d.slots {
		if bytes.Equal(d.key(&d.slots[i]), k) {
			d.buf = d.buf[:start]
			d.slots[i].cost = min(d.slots[i].cost+int64(cost), l.rate.burst+1)
			d.items = append(d.items, item{slot: int32(i)})
			return false
		}
	}
	d.slots = append(d.slots, slot{lim: l, start: int32(start), end: int32(len(d.buf)), cost: int64(cost)})
	d.items = append(d.items, item{slot: int32(len(d.slots) - 1)})
	return false
}

// checkCache marks enforced slots the local cache knows to be over limit;
// it reports whether any was.
func (d *decision) checkCache(c *overCache, now int64) bool {
	hit := false
	for i := range d.slots {
		s := &d.slots[i]
		if s.lim.Shadow || s.cost < 1 {
			continue
		}
		if e, ok := c.get(d.key(s), now); ok {
			s.cached, s.entry, hit = true, e, true
		}
	}
	return hit
}
