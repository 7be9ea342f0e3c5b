package cache

import (
	"context"
	"time"

	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
)

// fill is a stream's lead on filling a key: its local flight (waiters in
// this process) and its Redis lock (waiters on other instances).
type fill struct {
	f     *flight
	token string
}

// pending is a storable response waiting for its body.
type pending struct {
	e    *entry
	tags []string
	pool string
}

// hitForMiss is how long a marker sends a key's requests straight to the
// origin after the origin answered with something not storable (Magento's
// VCL uses 120s); a storable answer replaces it sooner.
const hitForMiss = 120 * time.Second

// writeTimeout bounds the writes made after Envoy has its answer; they
// hold only this stream's goroutine, never a client.
const writeTimeout = 250 * time.Millisecond

func (st *stream) onResponseHeaders(hh *extprocv3.HttpHeaders) (*extprocv3.ProcessingResponse, func()) {
	if st.req == nil {
		// Told to skip response headers, Envoy sent them anyway
		// (allow_mode_override off): leave them alone.
		return &extprocv3.ProcessingResponse{Response: &extprocv3.ProcessingResponse_ResponseHeaders{ResponseHeaders: &extprocv3.HeadersResponse{}}}, nil
	}
	if st.bypass {
		return responseAnswer(xcacheBypass, false), nil
	}
	resp := parseResponse(hh.GetHeaders())
	now := time.Now()
	if st.stale != nil && resp.status >= 500 && st.stale.usableOnError(now) {
		// stale-if-error: Envoy has not sent the response downstream yet,
		// so an ImmediateResponse replaces it.
		st.rt.m.count(resultStaleIfError)
		return hitAnswer(st.stale, st.req, xcacheStale, now), st.release(fillResult{e: st.stale, stale: true}, false)
	}
	if !st.store {
		return responseAnswer(xcacheMiss, false), nil
	}
	v := decide(st.rt, st.req, resp, now, nil)
	if v.reason != "" {
		st.rt.m.notStored(v.reason)
		return responseAnswer(xcacheMiss, false), st.release(fillResult{}, markerFor(v.reason, resp.status))
	}
	p := &pending{tags: resp.tags, pool: resp.pool, e: &entry{key: st.key, status: resp.status,
		born: now.Add(-resp.age), ttl: v.ttl, swr: v.swr, sie: v.sie, headers: resp.kept}}
	if hh.GetEndOfStream() {
		return responseAnswer(xcacheMiss, false), st.commit(p)
	}
	st.pending = p
	return responseAnswer(xcacheMiss, true), nil
}

// onResponseBody stores the buffered body when Envoy had all of it.
func (st *stream) onResponseBody(b *extprocv3.HttpBody) (*extprocv3.ProcessingResponse, func()) {
	p := st.pending
	st.pending = nil
	if p == nil {
		return bodyAnswer(), nil
	}
	if !b.GetEndOfStream() || int64(len(b.GetBody())) > st.rt.maxBody {
		// Not end_of_stream: the body outgrew Envoy's buffer and this is
		// only its start.
		st.rt.m.notStored(reasonTooLarge)
		return bodyAnswer(), st.release(fillResult{}, true)
	}
	p.e.body = b.GetBody()
	return bodyAnswer(), st.commit(p)
}

// markerFor says whether a refusal should leave a hit-for-miss marker: yes
// when it is about the response, not when it is about this one request
// (its Authorization, its lacking an X-Magento-Vary cookie) or a passing
// origin failure.
func markerFor(reason string, status int) bool {
	switch reason {
	case reasonAuth, reasonMagentoVary, reasonMethod:
		return false
	}
	return status < 500
}

// commit hands the new entry to local waiters at once, and returns the
// Redis write to run after Envoy has its answer.
func (st *stream) commit(p *pending) func() {
	e := p.e
	encoded := e.encode()
	e.size = len(encoded)
	e.prepare()
	fl := st.fill
	st.fill = nil
	if fl != nil {
		st.s.flights.finish(st.h, fl.f, fillResult{e: e})
	}
	h, rm := st.h, st.rt.m
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
		defer cancel()
		err := st.s.store.put(ctx, writeTimeout, h, e, encoded, p.tags, p.pool)
		if err != nil {
			rm.notStored(reasonRedis)
			st.s.log.Warn("cache entry not stored", "route", rm.name, "err", err)
		} else {
			rm.stored(e.size)
		}
		if fl != nil && fl.token != "" {
			// A failed write announces the end so waiters elsewhere retry.
			_ = st.s.store.unlock(ctx, writeTimeout, h, fl.token, err != nil)
		}
	}
}

// release ends this stream's fill without a new entry: local waiters get
// res, the lock goes, and with marker a hit-for-miss marker is written.
func (st *stream) release(res fillResult, marker bool) func() {
	fl := st.fill
	st.fill = nil
	if fl == nil {
		return nil
	}
	st.s.flights.finish(st.h, fl.f, res)
	h, key, ttl := st.h, st.key, hitForMiss
	if st.rt.TTL > 0 {
		ttl = min(ttl, st.rt.TTL)
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
		defer cancel()
		announce := true
		if marker {
			m := &entry{key: key, uncacheable: true, born: time.Now(), ttl: ttl}
			// put announces the marker itself.
			announce = st.s.store.put(ctx, writeTimeout, h, m, m.encode(), nil, "") != nil
		}
		if fl.token != "" {
			_ = st.s.store.unlock(ctx, writeTimeout, h, fl.token, announce)
		}
	}
}

// end runs when the stream closes: a fill still open (the client went
// away, Envoy reset the stream) is released so waiters move on now.
func (st *stream) end() {
	if st.fill != nil {
		if after := st.release(fillResult{}, false); after != nil {
			after()
		}
	}
}
