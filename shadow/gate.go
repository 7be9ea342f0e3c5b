package shadow

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/redis/rueidis"
)

// MatchRate is what a rollout gate polls: compared and matched pairs of a
// route between from and to (whole minutes). It reads two counters per
// minute with data, nothing else.
func (s *Store) MatchRate(ctx context.Context, route string, from, to time.Time) (compared, matched int64, err error) {
	if err := checkRoute(route); err != nil {
		return 0, 0, err
	}
	minutes, err := s.minutes(ctx, route, from, to)
	if err != nil {
		return 0, 0, err
	}
	cmds := make(rueidis.Commands, len(minutes))
	for i, m := range minutes {
		cmds[i] = s.c.B().Hmget().Key(minuteKey(route, m)).Field(cCompared, cMatched).Build()
	}
	for _, r := range s.c.DoMulti(ctx, cmds...) {
		vals, err := r.ToArray()
		if err != nil {
			return 0, 0, fmt.Errorf("route %q: match rate: %w", route, err)
		}
		compared += intOrZero(vals, 0)
		matched += intOrZero(vals, 1)
	}
	return compared, matched, nil
}

// NewSideStats is the new service's health for the same gate: answers seen
// from it (as primary or when the receiver called it), those that were 5xx
// or no answer at all (timeouts, connection errors, fallbacks to legacy),
// and its p99 response time.
func (s *Store) NewSideStats(ctx context.Context, route string, from, to time.Time) (requests, errors5xx int64, p99 time.Duration, err error) {
	if err := checkRoute(route); err != nil {
		return 0, 0, 0, err
	}
	minutes, err := s.minutes(ctx, route, from, to)
	if err != nil {
		return 0, 0, 0, err
	}
	cmds := make(rueidis.Commands, len(minutes))
	for i, m := range minutes {
		cmds[i] = s.c.B().Hgetall().Key(minuteKey(route, m)).Build()
	}
	st := newStats()
	for _, r := range s.c.DoMulti(ctx, cmds...) {
		h, err := r.AsIntMap()
		if err != nil {
			return 0, 0, 0, fmt.Errorf("route %q: new side stats: %w", route, err)
		}
		for name, n := range h {
			st.add(name, n)
		}
	}
	st.finish()
	return st.NewRequests, st.NewErrors5xx, msDuration(st.Latency[SideNew].P99), nil
}

// Routes lists the routes with data within the retention, by name.
func (s *Store) Routes(ctx context.Context) ([]string, error) {
	oldest := time.Now().Add(-s.retention).Unix()
	names, err := s.c.Do(ctx, s.c.B().Zrange().Key(routesKey).Min(strconv.FormatInt(oldest, 10)).Max("+inf").Byscore().Build()).AsStrSlice()
	if err != nil {
		return nil, fmt.Errorf("shadow routes: %w", err)
	}
	slices.Sort(names)
	return names, nil
}

func intOrZero(vals []rueidis.RedisMessage, i int) int64 {
	if i >= len(vals) || vals[i].IsNil() {
		return 0
	}
	if n, err := vals[i].AsInt64(); err == nil {
		return n
	}
	return 0
}
