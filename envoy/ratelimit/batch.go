package ratelimit

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// batcher joins decisions waiting for Redis into one script call, so that
// the per-call cost in Redis (EVALSHA, TIME, the Lua call, the round trip)
// is paid once per batch. Only for a single Redis: in a cluster, decisions
// of different groups live on different nodes.
//
// A batch goes out at once when no script call is in flight, so an idle
// service adds no wait; while one is in flight the next batch grows with
// the decisions that arrive, and goes out when that call ends or when it
// is full. A fast Redis thus gets one call at a time, with batches as large
// as the load makes them; a slow or distant Redis, or a heavier load, gets
// up to maxCalls full batches in flight instead of a queue that times out.
// Measured at concurrency 32 (BenchmarkLoad, distinct keys), one call at a
// time formed batches of ~10 at 37-44 µs of Go CPU and 11-13 µs of Redis
// CPU per decision; four calls in flight at all times formed batches of
// ~3.5 at 49-58 and 17-18 µs, with a worse p99.
type batcher struct {
	s        *Service
	queue    chan *decision
	calls    chan []*decision // batches on their way to a caller
	free     chan []*decision // batch buffers not in use, one per caller
	ended    chan struct{}    // a call ended (capacity 1: a wake-up, not a count)
	inflight atomic.Int32
	stop     chan struct{}
	wg       sync.WaitGroup
}

const (
	maxCalls      = 4   // script calls in flight at once, pipelined by the client
	maxBatch      = 32  // decisions per call
	maxBatchKeys  = 128 // keys per call: bounds the time Redis spends in one script
	queueCapacity = 1024
)

// errStopped answers decisions queued when the service closes.
var errStopped = errors.New("rate limit service closed")

func newBatcher(s *Service) *batcher {
	b := &batcher{s: s, queue: make(chan *decision, queueCapacity), calls: make(chan []*decision),
		free: make(chan []*decision, maxCalls), ended: make(chan struct{}, 1), stop: make(chan struct{})}
	for range maxCalls {
		b.free <- make([]*decision, 0, maxBatch)
		b.wg.Go(b.call)
	}
	b.wg.Go(b.dispatch)
	return b
}

func (b *batcher) close() {
	close(b.stop)
	b.wg.Wait()
}

// do queues d and waits for its verdicts for at most timeout, or until ctx
// ends. A decision given up on stays with its worker: the caller must not
// reuse it (d.lost). The decision's own timer, reused across uses from the
// pool, spares a context and a timer per decision.
func (b *batcher) do(ctx context.Context, d *decision, timeout time.Duration) error {
	d.deadline = mono() + int64(timeout)
	if d.timer == nil {
		d.timer = time.NewTimer(timeout)
	} else {
		d.timer.Reset(timeout)
	}
	defer d.timer.Stop()
	select {
	case b.queue <- d:
	case <-d.timer.C:
		return context.DeadlineExceeded
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-d.done:
		return err
	case <-d.timer.C:
		d.lost = true
		return context.DeadlineExceeded
	case <-ctx.Done():
		d.lost = true
		return ctx.Err()
	}
}

// dispatch forms the batches and hands them to the callers.
func (b *batcher) dispatch() {
	for {
		var batch []*decision
		select {
		case batch = <-b.free:
		case <-b.stop:
			b.drain()
			return
		}
		select {
		case d := <-b.queue:
			batch = append(batch, d)
		case <-b.stop:
			b.drain()
			return
		}
		if !b.grow(&batch) {
			b.fail(batch)
			return
		}
		b.inflight.Add(1)
		select {
		case b.calls <- batch:
		case <-b.stop:
			b.fail(batch)
			return
		}
	}
}

// grow adds queued decisions to batch until it is full, without waiting
// when no call is in flight and otherwise until one ends. false: the
// batcher stopped.
func (b *batcher) grow(batch *[]*decision) bool {
	nkeys := 0
	for _, d := range *batch {
		nkeys += len(d.slots)
	}
	for len(*batch) < maxBatch && nkeys < maxBatchKeys {
		var d *decision
		if b.inflight.Load() == 0 {
			select {
			case d = <-b.queue:
			default:
				return true
			}
		} else {
			select {
			case d = <-b.queue:
			case <-b.ended: // look at inflight again
				continue
			case <-b.stop:
				return false
			}
		}
		*batch = append(*batch, d)
		nkeys += len(d.slots)
	}
	return true
}

// call runs the batches it is handed, one at a time.
func (b *batcher) call() {
	var (
		keys  []string
		args  []string
		out   []int64
		bound callBound
	)
	defer bound.close()
	for {
		select {
		case batch := <-b.calls:
			keys, args, out = b.run(batch, keys, args, out, &bound)
			clear(batch)
			b.free <- batch[:0]
			b.inflight.Add(-1)
			select {
			case b.ended <- struct{}{}:
			default:
			}
		case <-b.stop:
			return
		}
	}
}

// run makes the script call for batch, skipping decisions whose callers
// have already given up, and hands each decision its verdicts.
func (b *batcher) run(batch []*decision, keys, args []string, out []int64, bound *callBound) ([]string, []string, []int64) {
	now := mono()
	live := batch[:0]
	for _, d := range batch {
		if now >= d.deadline {
			d.done <- context.DeadlineExceeded
			continue
		}
		live = append(live, d)
	}
	if len(live) == 0 {
		return keys, args, out
	}
	keys, args = keys[:0], append(args[:0], opDecide, "")
	var latest int64
	for _, d := range live {
		keys, args = appendDecision(keys, args, d, nil)
		latest = max(latest, d.deadline)
	}
	args[1] = itoa(len(live))
	out, err := b.s.script(bound.start(time.Duration(latest-now)), keys, args, out[:0])
	bound.end()
	rest := out
	for _, d := range live {
		e := err
		if e == nil {
			_, rest, e = fileDecision(d, nil, rest)
		}
		d.done <- e
	}
	return keys, args, out
}

// fail answers a batch that will not be sent, and what is still queued.
func (b *batcher) fail(batch []*decision) {
	for _, d := range batch {
		d.done <- errStopped
	}
	b.drain()
}

// drain fails what is still queued at close.
func (b *batcher) drain() {
	for {
		select {
		case d := <-b.queue:
			d.done <- errStopped
		default:
			return
		}
	}
}
