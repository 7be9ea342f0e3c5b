package cache

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/rueidis"
)

// Redis layout. Every command touches one key, so the layout works on a
// Redis Cluster as it is; rueidis splits a pipeline by node.
//
//	strangler:cache:e:<h>      entry (STRING), PX = ttl + max(stale windows)
//	strangler:cache:l:<h>      fill lock (STRING, random token), PX = lock TTL
//	strangler:cache:i:t:<tag>  tag index: SET of entry keys; its TTL only grows
//	strangler:cache:i:p:<pool> X-Pool index, the same
//	strangler:cache:r          registry: SET of index names ("t:<tag>"), for
//	                           purge patterns that are not plain tag lists
//	strangler:cache:events     pub/sub channel: fills, aborts, purges
//
// <h> is hashKey of the cache key. An entry expires on its own; the
// indexes may list entries that have expired, which a purge skips.
const (
	keyPrefix     = "strangler:cache:"
	entryPrefix   = keyPrefix + "e:"
	lockPrefix    = keyPrefix + "l:"
	indexPrefix   = keyPrefix + "i:"
	registryKey   = keyPrefix + "r"
	eventsChannel = keyPrefix + "events"
)

// errSkipped means the Redis gate is shut: Redis failed repeatedly and
// this call was not tried.
var errSkipped = errors.New("redis calls suspended after repeated failures")

// unlockScript deletes the lock only if this fill still owns it: after a
// slow fill outlived its lock, another instance may hold a new one.
var unlockScript = rueidis.NewLuaScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)

type store struct {
	c    rueidis.Client
	m    *metrics
	gate gate
}

// do runs one Redis call under the deadline, through the gate, counting
// failures by operation.
func (s *store) do(ctx context.Context, op string, timeout time.Duration, f func(ctx context.Context) error) error {
	now := time.Now().UnixNano()
	if !s.gate.allow(now) {
		s.m.redisErrors.WithLabelValues(op, "skipped").Inc()
		return errSkipped
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	err := f(ctx)
	if err == nil || rueidis.IsRedisNil(err) {
		s.gate.success()
		return err
	}
	if ctx.Err() != nil && errors.Is(err, context.DeadlineExceeded) {
		s.m.redisErrors.WithLabelValues(op, "timeout").Inc()
	} else {
		s.m.redisErrors.WithLabelValues(op, "error").Inc()
	}
	s.gate.failure(now)
	return fmt.Errorf("redis %s: %w", op, err)
}

// get returns the encoded entry, or nil when there is none.
func (s *store) get(ctx context.Context, timeout time.Duration, h string) ([]byte, error) {
	var b []byte
	err := s.do(ctx, "get", timeout, func(ctx context.Context) error {
		var err error
		b, err = s.c.Do(ctx, s.c.B().Get().Key(entryPrefix+h).Build()).AsBytes()
		return err
	})
	if rueidis.IsRedisNil(err) {
		return nil, nil
	}
	return b, err
}

// lock takes the fill lock for h (SET NX PX); false means another request,
// maybe on another instance, holds it.
func (s *store) lock(ctx context.Context, timeout time.Duration, h, token string, ttl time.Duration) (bool, error) {
	var ok bool
	err := s.do(ctx, "lock", timeout, func(ctx context.Context) error {
		err := s.c.Do(ctx, s.c.B().Set().Key(lockPrefix+h).Value(token).Nx().Px(ttl).Build()).Error()
		ok = err == nil
		return err
	})
	if rueidis.IsRedisNil(err) {
		return false, nil
	}
	return ok, err
}

// unlock releases the fill lock if token still owns it and tells waiting
// instances that the fill ended without an entry ("a" event), so they try
// the lock themselves instead of waiting out their bound.
func (s *store) unlock(ctx context.Context, timeout time.Duration, h, token string, announce bool) error {
	return s.do(ctx, "unlock", timeout, func(ctx context.Context) error {
		if err := unlockScript.Exec(ctx, s.c, []string{lockPrefix + h}, []string{token}).Error(); err != nil {
			return err
		}
		if !announce {
			return nil
		}
		return s.c.Do(ctx, s.c.B().Publish().Channel(eventsChannel).Message(eventAbort+h).Build()).Error()
	})
}

// put writes the entry, indexes it under its tags and pool, and announces
// it ("f" event: waiting instances read it, local copies elsewhere drop).
// The entry is written before its index entries: a purge running between
// the two cannot leave it unindexed, at worst it misses this one fill,
// which began before the purge.
func (s *store) put(ctx context.Context, timeout time.Duration, h string, e *entry, encoded []byte, tags []string, pool string) error {
	keep := e.keep()
	ek := entryPrefix + h
	names := indexNames(tags, pool)
	cmds := make(rueidis.Commands, 0, 3+3*len(names))
	cmds = append(cmds, s.c.B().Set().Key(ek).Value(rueidis.BinaryString(encoded)).Px(keep).Build())
	for _, n := range names {
		ik := indexPrefix + n
		cmds = append(cmds,
			s.c.B().Sadd().Key(ik).Member(ek).Build(),
			// NX then GT: a new index gets the entry's life, an existing one
			// only ever lengthens, so it outlives every entry it lists.
			s.c.B().Pexpire().Key(ik).Milliseconds(keep.Milliseconds()).Nx().Build(),
			s.c.B().Pexpire().Key(ik).Milliseconds(keep.Milliseconds()).Gt().Build())
	}
	if len(names) > 0 {
		cmds = append(cmds, s.c.B().Sadd().Key(registryKey).Member(names...).Build())
	}
	return s.do(ctx, "put", timeout, func(ctx context.Context) error {
		for _, r := range s.c.DoMulti(ctx, cmds...) {
			if err := r.Error(); err != nil {
				return err
			}
		}
		// Separate: a cluster client refuses a keyless command in a
		// pipeline of keyed ones.
		return s.c.Do(ctx, s.c.B().Publish().Channel(eventsChannel).Message(eventFill+h).Build()).Error()
	})
}

func indexNames(tags []string, pool string) []string {
	names := make([]string, 0, len(tags)+1)
	for _, t := range tags {
		names = append(names, "t:"+t)
	}
	if pool != "" {
		names = append(names, "p:"+pool)
	}
	return names
}
