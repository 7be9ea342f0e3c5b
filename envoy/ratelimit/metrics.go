package ratelimit

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Decision results, the "result" label.
const (
	resultOK         = "ok"
	resultOver       = "over_limit"
	resultShadowOver = "shadow_over_limit"
	resultErrorAllow = "error_allow"
	resultErrorDeny  = "error_deny"
	redisErrTimeout  = "timeout"
	redisErrOther    = "error"
	metricsNamespace = "strangler"
	metricsSubsystem = "ratelimit"
)

type metrics struct {
	decisions    *prometheus.CounterVec
	unknown      prometheus.Counter
	redisSeconds prometheus.Histogram
	redisErrors  *prometheus.CounterVec
	cacheHits    prometheus.Counter
	breaker      prometheus.Gauge

	redisTimeouts, redisFailures prometheus.Counter // the two redisErrors series
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	opts := func(name, help string) prometheus.Opts {
		return prometheus.Opts{Namespace: metricsNamespace, Subsystem: metricsSubsystem, Name: name, Help: help}
	}
	m := &metrics{
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts(opts("decisions_total",
			"Rate limit decisions per limit and result (one per descriptor decided).")), []string{"limit", "result"}),
		unknown: prometheus.NewCounter(prometheus.CounterOpts(opts("unknown_limit_total",
			"Descriptors naming no configured limit, or shaped unlike it (config drift); answered OK."))),
		redisSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: metricsNamespace, Subsystem: metricsSubsystem, Name: "redis_seconds",
			Help:    "Latency of one decision script call to Redis, errors included.",
			Buckets: []float64{.0001, .00025, .0005, .001, .002, .003, .005, .01, .025, .05},
		}),
		redisErrors: prometheus.NewCounterVec(prometheus.CounterOpts(opts("redis_errors_total",
			"Failed decision script calls, by kind (timeout or error).")), []string{"kind"}),
		cacheHits: prometheus.NewCounter(prometheus.CounterOpts(opts("local_cache_hits_total",
			"Descriptors rejected from the local over-limit cache without asking Redis."))),
		breaker: prometheus.NewGauge(prometheus.GaugeOpts(opts("breaker_state",
			"Redis circuit breaker: 0 closed, 1 open (Redis is probed, other decisions use the error policy)."))),
	}
	m.redisTimeouts, m.redisFailures = m.redisErrors.WithLabelValues(redisErrTimeout), m.redisErrors.WithLabelValues(redisErrOther)
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.decisions, m.unknown, m.redisSeconds, m.redisErrors, m.cacheHits, m.breaker} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register rate limit metrics: %w", err)
		}
	}
	return m, nil
}

// limitCounters are one limit's decision counters, resolved once per
// config so the hot path does no label lookups.
type limitCounters struct {
	ok, over, shadowOver, errorAllow, errorDeny prometheus.Counter
}

func (m *metrics) forLimit(id string) limitCounters {
	c := func(r string) prometheus.Counter { return m.decisions.WithLabelValues(id, r) }
	return limitCounters{c(resultOK), c(resultOver), c(resultShadowOver), c(resultErrorAllow), c(resultErrorDeny)}
}

func (m *metrics) forget(id string) {
	for _, r := range []string{resultOK, resultOver, resultShadowOver, resultErrorAllow, resultErrorDeny} {
		m.decisions.DeleteLabelValues(id, r)
	}
}
