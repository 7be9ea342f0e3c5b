package ratelimit

import (
	"context"
	"time"

	rlsv3 "github.com/envoyproxy/go-control-plane/envoy/service/ratelimit/v3"
)

// ShouldRateLimit decides all descriptors of one request together: it is
// rejected if any enforced limit is over, and then consumes nothing.
func (s *Service) ShouldRateLimit(ctx context.Context, req *rlsv3.RateLimitRequest) (*rlsv3.RateLimitResponse, error) {
	t := s.table.Load()
	descs := req.GetDescriptors()
	if req.GetDomain() != t.cfg.Domain {
		s.m.unknown.Add(float64(len(descs)))
		return allOK(len(descs)), nil
	}
	d := s.pool.Get().(*decision)
	defer func() {
		if !d.lost {
			s.pool.Put(d)
		}
	}()
	d.reset(len(descs))
	hits := uint64(req.GetHitsAddend())
	if hits == 0 {
		hits = 1 // proto3 cannot tell "unset" from 0; Envoy means 1
	}
	for _, desc := range descs {
		if d.add(t, desc, hits) {
			s.m.unknown.Inc()
		}
	}
	if len(d.slots) == 0 {
		return allOK(len(descs)), nil
	}
	now := mono()
	if d.checkCache(t.cache, now) {
		return s.fromCache(d, now), nil
	}
	if !s.brk.allow(now) {
		return s.onError(t, d), nil
	}
	err := s.decideInRedis(ctx, t, d)
	if err != nil {
		if isTimeout(err) {
			s.m.redisTimeouts.Inc()
		} else {
			s.m.redisFailures.Inc()
		}
		if s.brk.failure(mono()) {
			s.log.Warn("rate limit: Redis failing, circuit breaker open", "err", err, "policy", t.cfg.OnRedisError)
		} else {
			s.log.Debug("rate limit: Redis call failed", "err", err, "policy", t.cfg.OnRedisError)
		}
		return s.onError(t, d), nil
	}
	if s.brk.success() {
		s.log.Info("rate limit: Redis answers again, circuit breaker closed")
	}
	return s.fromRedis(t, d, now), nil
}

// decideInRedis bounds the Redis work by the service's own deadline, so a
// slow Redis costs a decision at most RedisTimeout (or the caller's shorter
// deadline). The bound is a cancellation, not a context deadline: given a
// deadline and no concurrent calls, rueidis writes and reads synchronously
// and closes the connection when the deadline strikes mid-reply, while a
// cancelled call merely stops waiting and the connection lives on.
func (s *Service) decideInRedis(ctx context.Context, t *table, d *decision) error {
	timeout := t.cfg.RedisTimeout
	if dl, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(dl))
	}
	if s.batch != nil {
		return s.batch.do(ctx, d, timeout)
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	timer := time.AfterFunc(timeout, cancel)
	defer func() {
		timer.Stop()
		cancel()
	}()
	return s.evaluate(ctx, d)
}

// untilMono is the time from now until a mono() instant, 0 once past.
func untilMono(at, now int64) time.Duration {
	if at <= now {
		return 0
	}
	return time.Duration(at - now)
}
