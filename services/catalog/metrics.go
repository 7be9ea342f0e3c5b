package catalog

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	hits     *prometheus.CounterVec // by cache: product, search, category
	misses   *prometheus.CounterVec
	loads    *prometheus.CounterVec // misses that did the work: after singleflight
	negative prometheus.Counter
	faults   *prometheus.CounterVec // by fault: down, latency, error, difference
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		hits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "strangler_catalog_cache_hits_total", Help: "Catalog cache lookups answered from the cache.",
		}, []string{"cache"}),
		misses: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "strangler_catalog_cache_misses_total", Help: "Catalog cache lookups that found nothing fresh.",
		}, []string{"cache"}),
		loads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "strangler_catalog_loads_total", Help: "Loads from the catalogue index; concurrent misses of one key share one load.",
		}, []string{"cache"}),
		negative: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "strangler_catalog_negative_entries_total", Help: "Missing skus and categories remembered as missing.",
		}),
		faults: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "strangler_catalog_faults_total", Help: "Injected faults, by kind.",
		}, []string{"fault"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.hits, m.misses, m.loads, m.negative, m.faults} {
			reg.MustRegister(c)
		}
	}
	return m
}
