package cache

import (
	"container/list"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"
)

// localCache keeps decoded hot entries in process so most hits cost no
// Redis round trip. It may only serve what Redis would: every fill and
// purge on any instance is announced on the events channel and drops the
// copies (see events.go); while that subscription is down the cache is off
// and empty; and no copy lives longer than localMaxAge, which bounds the
// damage of an announcement lost in some way not seen as a disconnect.
type localCache struct {
	ready  atomic.Bool   // the events subscription is up
	limit  atomic.Int64  // bytes per shard; <= 0 turns the cache off
	gen    atomic.Uint64 // bumped by every invalidation; see put
	seed   maphash.Seed
	shards [localShards]localShard
}

const (
	localShards = 16
	localMaxAge = time.Second
)

type localShard struct {
	mu    sync.Mutex
	items map[string]*list.Element // of *localItem
	lru   list.List
	bytes int64
}

type localItem struct {
	h     string
	e     *entry
	until int64 // Unix ns
}

func newLocalCache() *localCache {
	c := &localCache{seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i].items = map[string]*list.Element{}
	}
	return c
}

// setLimit sets the byte budget (config updates); <= 0 turns it off.
func (c *localCache) setLimit(total int64) {
	if total <= 0 {
		c.limit.Store(0)
		c.flush()
		return
	}
	c.limit.Store(max(total/localShards, 1))
}

func (c *localCache) on() bool { return c.ready.Load() && c.limit.Load() > 0 }

func (c *localCache) shard(h string) *localShard {
	return &c.shards[maphash.String(c.seed, h)%localShards]
}

// generation is read before a Redis lookup and handed to put, so a reply
// that raced an invalidation is not cached.
func (c *localCache) generation() uint64 { return c.gen.Load() }

func (c *localCache) get(h string, now time.Time) *entry {
	if !c.on() {
		return nil
	}
	s := c.shard(h)
	s.mu.Lock()
	defer s.mu.Unlock()
	el, ok := s.items[h]
	if !ok {
		return nil
	}
	it := el.Value.(*localItem)
	if now.UnixNano() >= it.until {
		s.remove(el)
		return nil
	}
	s.lru.MoveToFront(el)
	return it.e
}

func (c *localCache) put(h string, e *entry, gen uint64, now time.Time) {
	limit := c.limit.Load()
	if !c.on() || int64(e.size) > limit {
		return
	}
	until := min(now.Add(localMaxAge).UnixNano(), e.born.Add(e.keep()).UnixNano())
	s := c.shard(h)
	s.mu.Lock()
	defer s.mu.Unlock()
	// Checked under the shard lock: flush bumps gen before it takes the
	// locks, so either this sees the new gen or flush removes the item.
	if c.gen.Load() != gen {
		return
	}
	if el, ok := s.items[h]; ok {
		s.remove(el)
	}
	s.items[h] = s.lru.PushFront(&localItem{h: h, e: e, until: until})
	s.bytes += int64(e.size)
	for s.bytes > limit {
		s.remove(s.lru.Back())
	}
}

func (s *localShard) remove(el *list.Element) {
	it := s.lru.Remove(el).(*localItem)
	delete(s.items, it.h)
	s.bytes -= int64(it.e.size)
}

// drop forgets one entry (another instance stored a new version).
func (c *localCache) drop(h string) {
	c.gen.Add(1)
	s := c.shard(h)
	s.mu.Lock()
	if el, ok := s.items[h]; ok {
		s.remove(el)
	}
	s.mu.Unlock()
}

// flush forgets everything (a purge, or the events subscription restarted).
func (c *localCache) flush() {
	c.gen.Add(1)
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		clear(s.items)
		s.lru.Init()
		s.bytes = 0
		s.mu.Unlock()
	}
}

// subscribed records whether the events subscription is up; either way
// the copies go, as announcements may have been missed.
func (c *localCache) subscribed(up bool) {
	c.ready.Store(up)
	c.flush()
}
