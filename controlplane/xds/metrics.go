package xds

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	pushes       *prometheus.CounterVec
	nacks        *prometheus.CounterVec
	connected    prometheus.Gauge
	configErrors prometheus.Counter
	configValid  prometheus.Gauge
	buildSeconds prometheus.Histogram
	snapshotInfo *prometheus.GaugeVec
}

// newMetrics registers on reg; a nil reg keeps the metrics unexported, which
// suits tests and tools that run a server without a /metrics endpoint.
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		pushes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "strangler_xds_pushes_total",
			Help: "xDS responses sent to Envoys (state-of-the-world and delta), by type.",
		}, []string{"type"}),
		nacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "strangler_xds_nacks_total",
			Help: "Configurations an Envoy rejected (a request with error_detail), by node and type.",
		}, []string{"node", "type"}),
		connected: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "strangler_xds_connected_nodes",
			Help: "Envoy nodes with at least one open xDS stream.",
		}),
		configErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "strangler_config_errors_total",
			Help: "Configurations rejected before serving (validation or consistency failures).",
		}),
		configValid: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "strangler_config_valid",
			Help: "1 if the last configuration given to the xDS server was served, 0 if it was rejected or none was given yet.",
		}),
		buildSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "strangler_snapshot_build_seconds",
			Help:    "Time to validate, hash and check one snapshot.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 4, 10),
		}),
		snapshotInfo: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "strangler_snapshot_info",
			Help: "Always 1; labels carry the version served for each type.",
		}, []string{"type", "version"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.pushes, m.nacks, m.connected, m.configErrors, m.configValid, m.buildSeconds, m.snapshotInfo} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register xds metrics: %w", err)
		}
	}
	return m, nil
}

func (m *metrics) served(versions map[string]string) {
	m.configValid.Set(1)
	m.snapshotInfo.Reset()
	for url, v := range versions {
		m.snapshotInfo.WithLabelValues(shortType(url), v).Set(1)
	}
}

func (m *metrics) rejected() {
	m.configErrors.Inc()
	m.configValid.Set(0)
}
