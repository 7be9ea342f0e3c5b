package shadow

import (
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// capture is the capture stream's half: the request line and headers Envoy
// saw (no body: the mirror carries it) and the primary response.
type capture struct {
	req  *request
	prim primary
}

// pending is a half waiting for its partner.
type pending struct {
	route   string
	mirror  *request
	capture *capture
	at      time.Time
	bytes   int64
	// dropped marks a half dropped for memory: its partner, when it comes,
	// is dropped silently instead of waiting to be counted as a join miss.
	dropped bool
}

// job is a joined pair on its way to a worker.
type job struct {
	route   string
	mirror  *request
	capture *capture
	bytes   int64
}

// miss is a half whose partner never came.
type miss struct {
	route, endpoint, half string
	at                    time.Time
}

// joiner pairs mirrors and captures by x-request-id. Everything it holds is
// bounded: the table by entries, bodies by a byte budget shared with the
// queue, and the queue by its capacity. It never blocks a caller.
type joiner struct {
	mu      sync.Mutex
	waiting map[string]*pending
	max     int
	budget  *budget
	queue   chan job
	metrics *metrics
}

func newJoiner(maxEntries int, b *budget, queue chan job, m *metrics) *joiner {
	return &joiner{waiting: make(map[string]*pending), max: maxEntries, budget: b, queue: queue, metrics: m}
}

func (j *joiner) addMirror(id, route string, req *request) {
	j.add(id, &pending{route: route, mirror: req, bytes: requestSize(req)})
}

func (j *joiner) addCapture(id, route string, c *capture) {
	j.add(id, &pending{route: route, capture: c, bytes: requestSize(c.req) + responseSize(c.prim.resp)})
}

func (j *joiner) add(id string, half *pending) {
	if id == "" {
		j.metrics.drop(dropNoRequestID)
		return
	}
	half.at = time.Now()
	j.mu.Lock()
	other := j.waiting[id]
	if other == nil {
		j.wait(id, half)
		j.mu.Unlock()
		return
	}
	if (half.mirror != nil && other.mirror != nil) || (half.capture != nil && other.capture != nil) {
		j.mu.Unlock()
		j.metrics.drop(dropDuplicate)
		return
	}
	delete(j.waiting, id)
	j.mu.Unlock()
	if other.dropped {
		return // counted when its partner was dropped
	}
	if !j.budget.acquire(half.bytes) {
		j.budget.release(other.bytes)
		j.metrics.drop(dropMemory)
		return
	}
	jb := job{route: other.route, mirror: other.mirror, capture: other.capture, bytes: other.bytes + half.bytes}
	if half.mirror != nil {
		jb.route, jb.mirror = half.route, half.mirror // the mirror's route header wins
	} else {
		jb.capture = half.capture
	}
	j.metrics.joined.WithLabelValues(jb.route).Inc()
	select {
	case j.queue <- jb:
	default:
		j.budget.release(jb.bytes)
		j.metrics.drop(dropQueueFull)
	}
}

// wait stores the first half of a pair; j.mu is held.
func (j *joiner) wait(id string, half *pending) {
	if len(j.waiting) >= j.max {
		j.metrics.drop(dropJoinTable)
		return
	}
	if !j.budget.acquire(half.bytes) {
		j.metrics.drop(dropMemory)
		j.waiting[id] = &pending{at: half.at, dropped: true}
		return
	}
	j.waiting[id] = half
}

// expire removes the halves older than ttl and returns the misses among them.
func (j *joiner) expire(now time.Time, ttl time.Duration) []miss {
	var out []miss
	j.mu.Lock()
	for id, p := range j.waiting {
		if now.Sub(p.at) < ttl {
			continue
		}
		delete(j.waiting, id)
		if p.dropped {
			continue
		}
		j.budget.release(p.bytes)
		m := miss{route: p.route, at: p.at, half: "mirror"}
		req := p.mirror
		if req == nil {
			m.half, req = "capture", p.capture.req
		}
		m.endpoint = endpointOf(req.Method, pathOnly(req.URI))
		out = append(out, m)
	}
	j.mu.Unlock()
	return out
}

func (j *joiner) size() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.waiting)
}

// budget is a byte allowance taken before holding a body and given back
// when it is released.
type budget struct {
	used atomic.Int64
	max  int64
}

func (b *budget) acquire(n int64) bool {
	if b.used.Add(n) > b.max {
		b.used.Add(-n)
		return false
	}
	return true
}

func (b *budget) release(n int64) { b.used.Add(-n) }

// headerOverhead approximates a header entry's memory beyond its bytes.
const headerOverhead = 32

func requestSize(r *request) int64 {
	if r == nil {
		return 0
	}
	return int64(len(r.Body)+len(r.URI)+len(r.Host)) + headerSize(r.Header)
}

func responseSize(r *response) int64 {
	if r == nil {
		return 0
	}
	return int64(len(r.Body)) + headerSize(r.Header)
}

func headerSize(h http.Header) int64 {
	var n int64
	for k, vs := range h {
		n += int64(len(k)) + headerOverhead
		for _, v := range vs {
			n += int64(len(v)) + headerOverhead
		}
	}
	return n
}
