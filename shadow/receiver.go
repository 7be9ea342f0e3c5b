package shadow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// storeTimeout bounds one Record call.
const storeTimeout = 5 * time.Second

// Receiver joins Envoy's request mirrors with its response captures, calls
// the side that did not serve the user, compares, and records the outcome.
type Receiver struct {
	table   atomic.Pointer[routeTable]
	fixed   Config // the settings New sized things with: queue, workers, table, budget
	store   *Store
	metrics *metrics
	log     *slog.Logger
	pair    *pairer
	joiner  *joiner
	budget  *budget
	queue   chan job

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed atomic.Bool
	once   sync.Once
}

// New starts the workers and the join sweeper; Serve then takes traffic.
// Metrics go to reg (nil: none registered).
func New(cfg Config, store *Store, reg prometheus.Registerer, log *slog.Logger) (*Receiver, error) {
	if store == nil {
		return nil, errors.New("shadow receiver: no store")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	t, err := buildTable(cfg)
	if err != nil {
		return nil, err
	}
	r := &Receiver{fixed: t.cfg, store: store, log: log, queue: make(chan job, t.cfg.QueueSize)}
	r.table.Store(t)
	if r.metrics, err = newMetrics(reg, func() float64 { return float64(len(r.queue)) }); err != nil {
		return nil, err
	}
	r.budget = &budget{max: t.cfg.MaxBufferedBytes}
	r.joiner = newJoiner(t.cfg.JoinTableSize, r.budget, r.queue, r.metrics)
	r.pair = &pairer{client: newClient(t.cfg.Workers), metrics: r.metrics, log: log, noiseRoll: rollPercent}
	store.setSamplesPerField(t.cfg.SamplesPerField)
	r.ctx, r.cancel = context.WithCancel(context.Background())
	r.wg.Add(t.cfg.Workers + 1)
	for range t.cfg.Workers {
		go r.work()
	}
	go r.sweep()
	return r, nil
}

// Update swaps in a new configuration; a bad one is refused whole and the
// old one stays. QueueSize, Workers, JoinTableSize and MaxBufferedBytes keep
// the values New was given.
func (r *Receiver) Update(cfg Config) error {
	t, err := buildTable(cfg)
	if err != nil {
		return err
	}
	if t.cfg.QueueSize != r.fixed.QueueSize || t.cfg.Workers != r.fixed.Workers ||
		t.cfg.JoinTableSize != r.fixed.JoinTableSize || t.cfg.MaxBufferedBytes != r.fixed.MaxBufferedBytes {
		r.log.Warn("shadow: queue size, workers, join table size and buffer budget change only on restart")
	}
	r.table.Store(t)
	r.store.setSamplesPerField(t.cfg.SamplesPerField)
	return nil
}

// Close stops the workers (calls in flight are abandoned, not recorded) and
// counts the pairs still queued as dropped.
func (r *Receiver) Close() {
	r.once.Do(func() {
		r.closed.Store(true)
		r.cancel()
		r.wg.Wait()
		for {
			select {
			case jb := <-r.queue:
				r.budget.release(jb.bytes)
				r.metrics.drop(dropShutdown)
			default:
				return
			}
		}
	})
}

func (r *Receiver) known(route string) bool {
	_, ok := r.table.Load().routes[route]
	return ok
}

// accept hands one half to the joiner; it never blocks.
func (r *Receiver) accept(id, route string, mirror *request, c *capture) {
	switch {
	case r.closed.Load():
		r.metrics.drop(dropShutdown)
	case !r.known(route):
		r.metrics.drop(dropUnknown)
	case mirror != nil:
		r.joiner.addMirror(id, route, mirror)
	default:
		r.joiner.addCapture(id, route, c)
	}
}

func (r *Receiver) work() {
	defer r.wg.Done()
	for {
		select {
		case <-r.ctx.Done():
			return
		case jb := <-r.queue:
			r.process(jb)
		}
	}
}

func (r *Receiver) process(jb job) {
	defer r.budget.release(jb.bytes)
	t := r.table.Load()
	rs := t.routes[jb.route]
	if rs == nil {
		r.metrics.drop(dropUnknown) // removed by an Update since the join
		return
	}
	obs := r.pair.observe(r.ctx, rs, jb.mirror, &jb.capture.prim, limits{timeout: t.cfg.CallTimeout, maxBody: t.cfg.MaxBody})
	if r.ctx.Err() != nil {
		return
	}
	r.metrics.comparisons.WithLabelValues(rs.Name, obs.result()).Inc()
	ctx, cancel := context.WithTimeout(r.ctx, storeTimeout)
	defer cancel()
	if err := r.store.Record(ctx, obs); err != nil {
		r.metrics.storeErrors.Inc()
		r.log.Warn("shadow: store", "route", rs.Name, "err", err)
	}
}

// sweep turns halves that waited longer than the join TTL into join misses.
func (r *Receiver) sweep() {
	defer r.wg.Done()
	for {
		ttl := r.table.Load().cfg.JoinTTL
		select {
		case <-r.ctx.Done():
			return
		case <-time.After(min(max(ttl/4, 10*time.Millisecond), time.Second)):
		}
		r.recordMisses(r.joiner.expire(time.Now(), ttl))
	}
}

func (r *Receiver) recordMisses(misses []miss) {
	type key struct {
		route, endpoint string
		minute          int64
	}
	counts := map[key]int64{}
	for _, m := range misses {
		r.metrics.missed.WithLabelValues(m.route, m.half).Inc()
		counts[key{m.route, m.endpoint, minuteOf(m.at)}]++
	}
	for k, n := range counts {
		ctx, cancel := context.WithTimeout(r.ctx, storeTimeout)
		err := r.store.recordMissed(ctx, k.route, k.endpoint, time.Unix(k.minute*60, 0), n)
		cancel()
		if err != nil {
			r.metrics.storeErrors.Inc()
			r.log.Warn("shadow: store join misses", "route", k.route, "err", fmt.Errorf("%d misses: %w", n, err))
		}
	}
}
