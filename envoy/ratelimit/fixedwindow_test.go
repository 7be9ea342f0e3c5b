package ratelimit

import (
	"context"
	"math/rand/v2"
	"strconv"
	"time"

	rlsv3 "github.com/envoyproxy/go-control-plane/envoy/service/ratelimit/v3"
	"github.com/redis/rueidis"
)

// fixedWindow is the benchmark baseline: the reference rate limit service's
// method, re-implemented on the same client. Per descriptor a pipelined
// INCRBY + EXPIRE on a key per window (the service's own clock, TTL of the
// window plus jitter), not atomic across descriptors; optionally a local
// cache of keys over their limit until the window ends.
type fixedWindow struct {
	rlsv3.UnimplementedRateLimitServiceServer
	c      rueidis.Client
	limits map[string]Limit
	cache  *overCache // nil: no local cache
}

func (f *fixedWindow) ShouldRateLimit(ctx context.Context, req *rlsv3.RateLimitRequest) (*rlsv3.RateLimitResponse, error) {
	descs := req.GetDescriptors()
	resp := &rlsv3.RateLimitResponse{OverallCode: codeOK, Statuses: make([]*rlsv3.RateLimitResponse_DescriptorStatus, len(descs))}
	now := time.Now()
	for i, d := range descs {
		e := d.GetEntries()
		l, ok := f.limits[e[0].GetValue()]
		if !ok || len(e) != 2 {
			resp.Statuses[i] = statusOK
			continue
		}
		window := now.Truncate(l.Period)
		key := "fw_" + l.ID + "_" + e[1].GetValue() + "_" + strconv.FormatInt(window.Unix(), 10)
		if f.cache != nil {
			if _, over := f.cache.get([]byte(key), mono()); over {
				resp.Statuses[i] = &rlsv3.RateLimitResponse_DescriptorStatus{Code: codeOver, CurrentLimit: currentLimit(l)}
				resp.OverallCode = codeOver
				continue
			}
		}
		ttl := int64(l.Period/time.Second) + rand.Int64N(300)
		res := f.c.DoMulti(ctx,
			f.c.B().Incrby().Key(key).Increment(1).Build(),
			f.c.B().Expire().Key(key).Seconds(ttl).Build())
		n, err := res[0].AsInt64()
		if err != nil {
			return nil, err
		}
		st := &rlsv3.RateLimitResponse_DescriptorStatus{Code: codeOK, CurrentLimit: currentLimit(l), LimitRemaining: uint32(max(l.Count-n, 0))}
		if n > l.Count {
			st.Code, resp.OverallCode = codeOver, codeOver
			if f.cache != nil {
				end := mono() + int64(window.Add(l.Period).Sub(now))
				f.cache.put(key, overEntry{retryAt: end, resetAt: end}, mono())
			}
		}
		resp.Statuses[i] = st
	}
	return resp, nil
}
