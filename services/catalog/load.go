package catalog

import "time"

// fetch returns the fresh cached value for key, or loads it; concurrent
// misses of one key share a single load (singleflight), so a hot sku that
// expires costs one load, not one per request in flight.
func fetch[V any](s *Service, c *ttlCache[V], kind, key string, load func() (V, time.Duration, error)) (V, error) {
	if v, ok := c.get(key); ok {
		s.metrics.hits.WithLabelValues(kind).Inc()
		return v, nil
	}
	s.metrics.misses.WithLabelValues(kind).Inc()
	v, err, _ := s.flight.Do(kind+"\x00"+key, func() (any, error) {
		s.metrics.loads.WithLabelValues(kind).Inc()
		if s.loadHook != nil {
			s.loadHook()
		}
		v, ttl, err := load()
		if err != nil {
			return v, err
		}
		c.set(key, v, jittered(ttl))
		return v, nil
	})
	if err != nil {
		var zero V
		return zero, err
	}
	return v.(V), nil
}

// found and missing are how long a load's answer is kept.
func (s *Service) found() time.Duration { return s.opts.CacheTTL }

func (s *Service) missing() time.Duration {
	s.metrics.negative.Inc()
	return s.opts.NegativeTTL
}
