package ratelimit

import (
	"hash/maphash"
	"sync"
	"time"
)

// overCache remembers keys Redis found over their limit, until the time a
// request could be admitted again. Serving those rejections locally is safe
// because a rejected request changes nothing in Redis: Redis would answer
// the same. Times are process-monotonic nanoseconds (see mono).
type overCache struct {
	seed   maphash.Seed
	shards [cacheShards]cacheShard
}

const (
	cacheShards   = 32
	shardCapacity = 4096 // 128 Ki keys in all; past that, new entries are dropped
)

type cacheShard struct {
	mu sync.RWMutex
	m  map[string]overEntry
}

type overEntry struct {
	retryAt int64 // the first moment a request of cost 1 may be admitted
	resetAt int64 // when the limit is idle again (reported as duration_until_reset)
}

func newOverCache() *overCache {
	c := &overCache{seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i].m = make(map[string]overEntry)
	}
	return c
}

func (c *overCache) shard(key []byte) *cacheShard {
	return &c.shards[maphash.Bytes(c.seed, key)%cacheShards]
}

// get reports whether key is known to be over its limit at now.
func (c *overCache) get(key []byte, now int64) (overEntry, bool) {
	s := c.shard(key)
	s.mu.RLock()
	e, ok := s.m[string(key)]
	s.mu.RUnlock()
	return e, ok && now < e.retryAt
}

func (c *overCache) put(key string, e overEntry, now int64) {
	s := &c.shards[maphash.String(c.seed, key)%cacheShards]
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) >= shardCapacity {
		for k, old := range s.m {
			if now >= old.retryAt {
				delete(s.m, k)
			}
		}
		if len(s.m) >= shardCapacity {
			return // a flood of distinct over-limit keys still gets correct answers, from Redis
		}
	}
	s.m[key] = e
}

var monoEpoch = time.Now()

// mono is nanoseconds on the monotonic clock: a wall clock step must not
// stretch or cut a cached rejection.
func mono() int64 { return int64(time.Since(monoEpoch)) }
