package ratelimit

import (
	"context"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	rlsv3 "github.com/envoyproxy/go-control-plane/envoy/service/ratelimit/v3"
	"google.golang.org/protobuf/types/known/durationpb"
)

const (
	codeOK   = rlsv3.RateLimitResponse_OK
	codeOver = rlsv3.RateLimitResponse_OVER_LIMIT
)

// Statuses shared by every response; gRPC only reads them.
var (
	statusOK   = &rlsv3.RateLimitResponse_DescriptorStatus{Code: codeOK}
	statusDeny = &rlsv3.RateLimitResponse_DescriptorStatus{Code: codeOver}
)

// allOK answers descriptors that no limit applies to.
func allOK(n int) *rlsv3.RateLimitResponse {
	r := &rlsv3.RateLimitResponse{OverallCode: codeOK, Statuses: make([]*rlsv3.RateLimitResponse_DescriptorStatus, n)}
	for i := range r.Statuses {
		r.Statuses[i] = statusOK
	}
	return r
}

// response holds the statuses of one answer in one backing array, so a
// decision allocates a constant number of objects however many descriptors.
type response struct {
	r     *rlsv3.RateLimitResponse
	cells []statusCell
	retry time.Duration // longest wait before an over-limit request may pass
}

type statusCell struct {
	st    rlsv3.RateLimitResponse_DescriptorStatus
	reset durationpb.Duration
}

// responseOf1 is a one-descriptor response in a single allocation: most
// requests carry one limit, and each object less is GC work saved per call.
type responseOf1 struct {
	r     rlsv3.RateLimitResponse
	ptrs  [1]*rlsv3.RateLimitResponse_DescriptorStatus
	cells [1]statusCell
}

func newResponse(n int) response {
	if n == 1 {
		b := new(responseOf1)
		b.r.OverallCode, b.r.Statuses = codeOK, b.ptrs[:]
		return response{r: &b.r, cells: b.cells[:]}
	}
	return response{
		r:     &rlsv3.RateLimitResponse{OverallCode: codeOK, Statuses: make([]*rlsv3.RateLimitResponse_DescriptorStatus, n)},
		cells: make([]statusCell, n),
	}
}

// set fills status i with a decided limit's figures. Shadow limits are not
// reported at all (code OK, no current_limit), so neither Envoy's
// X-RateLimit headers nor clients can see them: only metrics and logs do.
func (r *response) set(i int, l *limit, over bool, remaining int64, reset, retry time.Duration) {
	st := &r.cells[i].st
	if l.Shadow {
		r.r.Statuses[i] = statusOK
		return
	}
	st.Code = codeOK
	if over {
		st.Code = codeOver
		r.r.OverallCode = codeOver
		r.retry = max(r.retry, retry)
	}
	st.CurrentLimit = l.current
	// Envoy prints current_limit (the rate) as X-RateLimit-Limit and
	// limit_remaining beside it: what is left of a burst above the rate is
	// shown only up to that limit, so the headers never claim more than the
	// policy they state.
	st.LimitRemaining = min(clampU32(remaining), l.current.GetRequestsPerUnit())
	d := &r.cells[i].reset
	d.Seconds, d.Nanos = int64(reset/time.Second), int32(reset%time.Second)
	st.DurationUntilReset = d
	r.r.Statuses[i] = st
}

// done adds Retry-After to a rejection: whole seconds, rounded up, at
// least 1 (HTTP has no finer unit, and 0 would invite an instant retry).
func (r *response) done() *rlsv3.RateLimitResponse {
	if r.r.OverallCode == codeOver {
		r.r.ResponseHeadersToAdd = retryAfterHeader(max(int64((r.retry+time.Second-1)/time.Second), 1))
	}
	return r.r
}

// retryAfterHeaders keeps the Retry-After header lists of the first hour
// once built, shared by responses (gRPC only reads them).
var retryAfterHeaders [3601]atomic.Pointer[[]*corev3.HeaderValue]

func retryAfterHeader(secs int64) []*corev3.HeaderValue {
	if secs >= int64(len(retryAfterHeaders)) {
		return []*corev3.HeaderValue{{Key: "retry-after", Value: strconv.FormatInt(secs, 10)}}
	}
	if h := retryAfterHeaders[secs].Load(); h != nil {
		return *h
	}
	h := []*corev3.HeaderValue{{Key: "retry-after", Value: strconv.FormatInt(secs, 10)}}
	retryAfterHeaders[secs].Store(&h)
	return h
}

func micros(us int64) time.Duration { return time.Duration(us) * time.Microsecond }

// fromRedis answers from the script's verdicts and caches enforced
// rejections until the moment Redis could admit again. The cache times
// start at `start`, taken before the call: Redis judged at or after it, so
// the cache never rejects longer than Redis would.
func (s *Service) fromRedis(t *table, d *decision, start int64) *rlsv3.RateLimitResponse {
	r := newResponse(len(d.items))
	for i := range d.items {
		sl := d.answered(i, false)
		if sl == nil {
			r.r.Statuses[i] = statusOK
			continue
		}
		r.set(i, sl.lim, sl.over, sl.remaining, micros(sl.resetUS), micros(sl.retryUS))
		switch {
		case !sl.over:
			sl.lim.count.ok.Inc()
		case sl.lim.Shadow:
			sl.lim.count.shadowOver.Inc()
			if s.log.Enabled(context.Background(), slog.LevelDebug) {
				s.log.Debug("shadow rate limit exceeded", "limit", sl.lim.ID, "key", string(d.key(sl)))
			}
		default:
			sl.lim.count.over.Inc()
		}
	}
	for i := range d.slots {
		sl := &d.slots[i]
		if sl.evaluated && sl.over && !sl.lim.Shadow && sl.cost == 1 {
			e := overEntry{retryAt: start + int64(micros(sl.retryUS)), resetAt: start + int64(micros(sl.resetUS))}
			t.cache.put(string(d.key(sl)), e, start)
		}
	}
	return r.done()
}

// fromCache rejects a request with a limit known to be over. Its other
// limits are not evaluated (a rejected request consumes nothing, so their
// state cannot change) and are answered OK without figures.
func (s *Service) fromCache(d *decision, now int64) *rlsv3.RateLimitResponse {
	r := newResponse(len(d.items))
	for i := range d.items {
		sl := d.answered(i, true)
		if sl == nil {
			r.r.Statuses[i] = statusOK
			continue
		}
		r.set(i, sl.lim, true, 0, untilMono(sl.entry.resetAt, now), untilMono(sl.entry.retryAt, now))
		sl.lim.count.over.Inc()
		s.m.cacheHits.Inc()
	}
	return r.done()
}

// onError applies the OnRedisError policy to every limit that applies:
// allow answers OK, deny rejects (shadow limits never reject) with
// Retry-After 1.
func (s *Service) onError(t *table, d *decision) *rlsv3.RateLimitResponse {
	r := newResponse(len(d.items))
	for i, it := range d.items {
		r.r.Statuses[i] = statusOK
		if it.slot == skipNotEvaluated {
			continue
		}
		l := d.slots[it.slot].lim
		if !t.deny || l.Shadow {
			l.count.errorAllow.Inc()
			continue
		}
		l.count.errorDeny.Inc()
		r.r.Statuses[i] = statusDeny
		r.r.OverallCode = codeOver
	}
	return r.done()
}
