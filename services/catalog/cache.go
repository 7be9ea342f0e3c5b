package catalog

import (
	"math/rand/v2"
	"sync"
	"time"
)

// ttlCache is a small in-process cache whose entries expire. Expiry is
// jittered by the caller (jittered) so that entries filled together, at a
// cold start say, do not all expire and reload together.
type ttlCache[V any] struct {
	mu      sync.Mutex
	entries map[string]cacheEntry[V]
	max     int
	now     func() time.Time
}

type cacheEntry[V any] struct {
	value   V
	expires time.Time
}

func newTTLCache[V any](max int, now func() time.Time) *ttlCache[V] {
	return &ttlCache[V]{entries: map[string]cacheEntry[V]{}, max: max, now: now}
}

func (c *ttlCache[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !c.now().Before(e.expires) {
		delete(c.entries, key)
		var zero V
		return zero, false
	}
	return e.value, true
}

func (c *ttlCache[V]) set(key string, v V, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, exists := c.entries[key]; !exists && len(c.entries) >= c.max {
		c.evict()
	}
	c.entries[key] = cacheEntry[V]{value: v, expires: c.now().Add(ttl)}
}

// evict makes room: expired entries first, else one entry at random (Go's
// map order), which for a cache this small is as good as LRU and cheaper.
func (c *ttlCache[V]) evict() {
	now := c.now()
	for k, e := range c.entries {
		if !now.Before(e.expires) {
			delete(c.entries, k)
		}
	}
	for k := range c.entries {
		if len(c.entries) < c.max {
			return
		}
		delete(c.entries, k)
	}
}

func (c *ttlCache[V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// ttlJitter is the spread of jittered: ±20 %.
const ttlJitter = 0.2

// jittered spreads ttl uniformly over [ttl·(1-ttlJitter), ttl·(1+ttlJitter)).
func jittered(ttl time.Duration) time.Duration {
	return time.Duration(float64(ttl) * (1 - ttlJitter + 2*ttlJitter*rand.Float64()))
}
