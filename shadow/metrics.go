package shadow

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Reasons a half or a pair is dropped before comparison, the "reason" label.
const (
	dropQueueFull   = "queue_full"      // the bounded queue was full
	dropJoinTable   = "join_table_full" // too many halves waiting for a partner
	dropMemory      = "memory"          // the buffered body bytes budget was spent
	dropNoRequestID = "no_request_id"   // nothing to join by
	dropUnknown     = "unknown_route"   // the route is not in the configuration
	dropDuplicate   = "duplicate"       // a second half of the same kind for one request id
	dropShutdown    = "shutdown"        // queued when the receiver closed
)

// metrics are the receiver's Prometheus series.
type metrics struct {
	mirrors, captures, joined, missed *prometheus.CounterVec // by route
	dropped                           *prometheus.CounterVec // by reason
	comparisons                       *prometheus.CounterVec // by route and result
	calls                             *prometheus.CounterVec // by side and result
	callSeconds                       *prometheus.HistogramVec
	storeErrors                       prometheus.Counter
}

func newMetrics(reg prometheus.Registerer, queueLen func() float64) (*metrics, error) {
	const ns, sub = "strangler", "shadow"
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: name, Help: help}, labels)
	}
	m := &metrics{
		mirrors:     counter("mirrors_received_total", "Mirrored requests received (HTTP), by route.", "route"),
		captures:    counter("captures_received_total", "Primary responses captured in full (ext_proc), by route.", "route"),
		joined:      counter("joined_total", "Mirrors joined with their capture by x-request-id, by route.", "route"),
		missed:      counter("join_missed_total", "Halves whose partner never arrived within the join TTL, by route and the half that did arrive.", "route", "half"),
		dropped:     counter("dropped_total", "Halves or joined pairs dropped before comparison, by reason.", "reason"),
		comparisons: counter("comparisons_total", "Pairs handled by the workers, by route and result (match, differ or a not-comparable reason).", "route", "result"),
		calls:       counter("calls_total", "Calls the receiver made to a side, by side and result.", "side", "result"),
		callSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Subsystem: sub, Name: "call_seconds",
			Help:    "Time from sending a call to a side to its response headers.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}, []string{"side"}),
		storeErrors: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "store_errors_total",
			Help: "Observations that could not be written to Redis."}),
	}
	if reg == nil {
		return m, nil
	}
	queue := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub, Name: "queue_length",
		Help: "Joined pairs waiting for a worker."}, queueLen)
	for _, c := range []prometheus.Collector{m.mirrors, m.captures, m.joined, m.missed, m.dropped, m.comparisons,
		m.calls, m.callSeconds, m.storeErrors, queue} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register shadow metrics: %w", err)
		}
	}
	return m, nil
}

func (m *metrics) drop(reason string) { m.dropped.WithLabelValues(reason).Inc() }

// result is the comparisons label for an observation.
func (o *Observation) result() string {
	if r := o.reason(); r != "" {
		return r
	}
	if o.Result.Match {
		return "match"
	}
	return "differ"
}
