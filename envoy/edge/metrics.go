package edge

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the stand-in's own, few and coarse: Envoy's stats are not
// reproduced.
type metrics struct {
	requests *prometheus.CounterVec
	retries  *prometheus.CounterVec
	updates  *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "strangler_edge_requests_total", Help: "Downstream requests by route, upstream cluster and response code.",
		}, []string{"route", "cluster", "code"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "strangler_edge_upstream_retries_total", Help: "Upstream retries by route cluster.",
		}, []string{"cluster"}),
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "strangler_edge_xds_updates_total", Help: "xDS responses by type URL and result (ack, nack).",
		}, []string{"type", "result"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.requests, m.retries, m.updates} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *metrics) request(route, cluster string, code int) {
	m.requests.WithLabelValues(route, cluster, strconv.Itoa(code)).Inc()
}

func (m *metrics) update(typeURL, result string) { m.updates.WithLabelValues(typeURL, result).Inc() }
