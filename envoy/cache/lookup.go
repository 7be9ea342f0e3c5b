package cache

import (
	"math/rand/v2"
	"strconv"
	"time"

	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
)

// remotePoll is how often a request waiting on another instance's fill
// re-reads Redis, in case the fill's announcement was lost.
const remotePoll = 25 * time.Millisecond

// onRequestHeaders decides between answering from the cache, waiting on
// a fill, and sending the request on to the origin.
func (st *stream) onRequestHeaders(hh *extprocv3.HttpHeaders) *extprocv3.ProcessingResponse {
	if st.rt == nil {
		st.s.m.unknownRoute.Inc()
		return passAnswer()
	}
	st.req = parseRequest(hh.GetHeaders())
	req, rm := st.req, st.rt.m
	switch {
	case req.method != "GET" && req.method != "HEAD":
		rm.count(resultPass)
		return passAnswer()
	case req.bypassed(st.rt):
		st.bypass = true
		rm.count(resultBypass)
		return forwardAnswer(nil) // response headers still come: tags are stripped
	}
	st.start = time.Now()
	st.deadline = st.start.Add(st.t.messageTimeout - holdMargin)
	st.key = cacheKey(st.rt, req)
	st.h = hashKey(st.key)
	e, err := st.s.lookup(st.ctx, st.callTimeout(), st.h, st.key, st.start)
	if err != nil {
		return st.withoutRedis()
	}
	switch {
	case e != nil && e.uncacheable:
		// Hit-for-miss: no waiting on each other, but a storable answer
		// replaces the marker.
		rm.count(resultPass)
		st.store = req.method == "GET"
		return st.forward()
	case e == nil:
	case e.phase(st.start) == phaseFresh:
		rm.count(resultHit)
		return hitAnswer(e, req, xcacheHit, st.start)
	case e.phase(st.start) == phaseRevalidate:
		return st.revalidate(e)
	default:
		if e.usableOnError(st.start) {
			st.stale = e
		}
	}
	if req.method == "HEAD" {
		rm.count(resultPass) // HEAD responses have no body to store
		return st.forward()
	}
	return st.miss()
}

// revalidate serves a stale entry, except to the one request that takes
// the lock and refreshes it from the origin.
func (st *stream) revalidate(e *entry) *extprocv3.ProcessingResponse {
	rm := st.rt.m
	if st.req.method == "GET" {
		f, leader := st.s.flights.join(st.h)
		if leader {
			token := newToken()
			ok, err := st.s.store.lock(st.ctx, st.callTimeout(), st.h, token, st.t.lockTTL)
			if err == nil && ok {
				st.fill, st.stale, st.store = &fill{f: f, token: token}, e, true
				rm.count(resultMiss)
				return st.forward()
			}
			st.s.flights.finish(st.h, f, fillResult{})
		}
	}
	rm.count(resultStale)
	return hitAnswer(e, st.req, xcacheStale, st.start)
}

// miss makes this request the key's fill, or waits for the fill already
// running in this process or on another instance.
func (st *stream) miss() *extprocv3.ProcessingResponse {
	rm := st.rt.m
	f, leader := st.s.flights.join(st.h)
	if !leader {
		return st.awaitLocal(f)
	}
	var until time.Time
	for {
		token := newToken()
		ok, err := st.s.store.lock(st.ctx, st.callTimeout(), st.h, token, st.t.lockTTL)
		switch {
		case err != nil:
			// Redis is failing: fill without the lock, so at least this
			// process's requests still wait on one origin fetch.
			st.fill, st.store = &fill{f: f}, true
			rm.count(resultError)
			return st.forward()
		case ok:
			st.fill, st.store = &fill{f: f, token: token}, true
			rm.count(resultMiss)
			return st.forward()
		}
		if until.IsZero() {
			until = st.waitEnd()
		}
		res, outcome := st.awaitRemote(until)
		if outcome == "" {
			continue // that fill ended without an entry: try the lock again
		}
		st.s.flights.finish(st.h, f, res)
		return st.coalesced(res, outcome)
	}
}

// withoutRedis handles a request whose lookup failed: it goes to the
// origin uncached, but concurrent requests for the key in this process
// still share one origin fetch (a Redis outage must not become a stampede
// on the origin). The fill is stored if Redis is back by then.
func (st *stream) withoutRedis() *extprocv3.ProcessingResponse {
	if st.req.method == "HEAD" {
		st.rt.m.count(resultError)
		return st.forward()
	}
	f, leader := st.s.flights.join(st.h)
	if !leader {
		return st.awaitLocal(f)
	}
	st.fill, st.store = &fill{f: f}, true
	st.rt.m.count(resultError)
	return st.forward()
}

// awaitLocal waits for this process's fill of the key.
func (st *stream) awaitLocal(f *flight) *extprocv3.ProcessingResponse {
	timer := time.NewTimer(time.Until(st.waitEnd()))
	defer timer.Stop()
	select {
	case <-f.done:
		if f.res.e != nil {
			return st.coalesced(f.res, coalescedHit)
		}
		return st.coalesced(f.res, coalescedReleased)
	case <-timer.C:
		return st.coalesced(fillResult{}, coalescedTimeout)
	case <-st.ctx.Done():
		return st.coalesced(fillResult{}, coalescedTimeout)
	}
}

// awaitRemote waits for another instance's fill: until its announcement or
// the next poll, then reads Redis. An empty outcome means the lock may be
// free again.
func (st *stream) awaitRemote(until time.Time) (fillResult, string) {
	woke, stop := st.s.events.watch(st.h)
	defer stop()
	timer := time.NewTimer(time.Until(until))
	defer timer.Stop()
	poll := time.NewTimer(remotePoll)
	defer poll.Stop()
	select {
	case <-timer.C:
		return fillResult{}, coalescedTimeout
	case <-st.ctx.Done():
		return fillResult{}, coalescedTimeout
	case <-woke:
	case <-poll.C:
	}
	now := time.Now()
	e, err := st.s.lookup(st.ctx, st.callTimeout(), st.h, st.key, now)
	switch {
	case err == nil && e != nil && e.uncacheable:
		return fillResult{}, coalescedReleased
	case e != nil && e.phase(now) == phaseFresh:
		return fillResult{e: e}, coalescedHit
	case !now.Before(until):
		return fillResult{}, coalescedTimeout
	}
	return fillResult{}, ""
}

// coalesced answers a request that waited on a fill.
func (st *stream) coalesced(res fillResult, outcome string) *extprocv3.ProcessingResponse {
	rm := st.rt.m
	rm.coalesced(outcome)
	now := time.Now()
	switch {
	case res.e != nil && res.stale:
		rm.count(resultStaleIfError)
		return hitAnswer(res.e, st.req, xcacheStale, now)
	case res.e != nil:
		rm.count(resultHit)
		return hitAnswer(res.e, st.req, xcacheHit, now)
	}
	rm.count(resultPass)
	return st.forward()
}

// forward sends the request on to the origin, made to match its key.
func (st *stream) forward() *extprocv3.ProcessingResponse {
	return forwardAnswer(originMutation(st.req, st.store))
}

// newToken names one fill's hold on the lock.
func newToken() string { return strconv.FormatUint(rand.Uint64(), 36) }
