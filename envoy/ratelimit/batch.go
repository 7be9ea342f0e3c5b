package ratelimit

import (
	"context"
	"errors"
	"sync"
	"time"
)

// batcher joins decisions waiting for Redis into one script call. Each of
// batchWorkers workers takes the next decision and whatever else is queued
// behind it, so an idle service sends a decision at once, alone, and a busy
// one sends fewer, larger calls: the per-call cost in Redis (EVALSHA,
// TIME, the Lua call) is paid once per batch. Only for a single Redis: in a
// cluster, decisions of different groups live on different nodes.
type batcher struct {
	s     *Service
	queue chan *decision
	stop  chan struct{}
	wg    sync.WaitGroup
}

const (
	// One script call in flight: decisions arriving meanwhile make the next
	// batch. Measured at concurrency 32 (BenchmarkLoad, distinct keys),
	// 1 worker formed batches of ~10 and spent 37-44 µs of Go CPU and
	// 11-13 µs of Redis CPU per decision; 4 workers formed batches of ~3.5
	// at 49-58 and 17-18 µs, with a worse p99.
	batchWorkers  = 1
	maxBatch      = 32  // decisions per call
	maxBatchKeys  = 128 // keys per call: bounds the time Redis spends in one script
	queueCapacity = 1024
)

// errStopped answers decisions queued when the service closes.
var errStopped = errors.New("rate limit service closed")

func newBatcher(s *Service) *batcher {
	b := &batcher{s: s, queue: make(chan *decision, queueCapacity), stop: make(chan struct{})}
	for range batchWorkers {
		b.wg.Go(b.work)
	}
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

func (b *batcher) work() {
	var (
		batch []*decision
		keys  []string
		args  []string
		out   []int64
		bound callBound
	)
	defer bound.close()
	for {
		select {
		case d := <-b.queue:
			batch = append(batch[:0], d)
		case <-b.stop:
			b.drain()
			return
		}
		nkeys := len(batch[0].slots)
	fill:
		for len(batch) < maxBatch && nkeys < maxBatchKeys {
			select {
			case d := <-b.queue:
				batch = append(batch, d)
				nkeys += len(d.slots)
			default:
				break fill
			}
		}
		keys, args, out = b.run(batch, keys, args, out, &bound)
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
