package cache

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Request results, the "result" label of requests_total.
const (
	resultHit          = "hit"            // answered from the cache
	resultStale        = "stale"          // answered stale while one request revalidates
	resultStaleIfError = "stale_if_error" // the origin failed; the stale entry replaced its answer
	resultMiss         = "miss"           // went to the origin, may be stored
	resultPass         = "pass"           // went to the origin, not to be stored (HEAD miss, hit-for-miss marker, released waiter)
	resultBypass       = "bypass"         // carried a bypass key
	resultError        = "error"          // Redis failed: passed through uncached
)

// Outcomes of waiting on another request's fill, coalesced_total's label.
const (
	coalescedHit      = "hit"      // served from the fill
	coalescedReleased = "released" // the fill stored nothing; sent to the origin
	coalescedTimeout  = "timeout"  // waited lock_wait; sent to the origin
)

var requestResults = []string{resultHit, resultStale, resultStaleIfError, resultMiss, resultPass, resultBypass, resultError}

type metrics struct {
	requests     *prometheus.CounterVec
	coalesced    *prometheus.CounterVec
	notStored    *prometheus.CounterVec
	stores       *prometheus.CounterVec
	storedBytes  *prometheus.CounterVec
	purges       *prometheus.CounterVec
	purged       prometheus.Counter
	redisErrors  *prometheus.CounterVec
	localHits    prometheus.Counter
	unknownRoute prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	c := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "strangler", Subsystem: "cache", Name: name, Help: help}, labels)
	}
	one := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Namespace: "strangler", Subsystem: "cache", Name: name, Help: help})
	}
	m := &metrics{
		requests:     c("requests_total", "Requests on cached routes by how they were answered: hit, stale, miss, pass, bypass, error; stale_if_error counts origin answers replaced by a stale entry (that request was counted as it went to the origin, too).", "route", "result"),
		coalesced:    c("coalesced_total", "Requests that waited on another request's fill, by outcome (hit, released, timeout).", "route", "outcome"),
		notStored:    c("not_stored_total", "Responses to cacheable requests that were not stored, by reason.", "route", "reason"),
		stores:       c("stores_total", "Responses stored.", "route"),
		storedBytes:  c("stored_bytes_total", "Bytes of stored entries.", "route"),
		purges:       c("purges_total", "Purge requests by source (http, api) and result (ok, denied, bad_request, error).", "source", "result"),
		purged:       one("purged_entries_total", "Entries deleted by purges."),
		redisErrors:  c("redis_errors_total", "Failed Redis calls by operation and kind (timeout, error, skipped while Redis is failing).", "op", "kind"),
		localHits:    one("local_hits_total", "Hits answered from the in-process copy without a Redis call."),
		unknownRoute: one("unknown_route_total", "Process streams naming no configured route; passed through untouched."),
	}
	if reg == nil {
		return m, nil
	}
	for _, col := range []prometheus.Collector{m.requests, m.coalesced, m.notStored, m.stores, m.storedBytes,
		m.purges, m.purged, m.redisErrors, m.localHits, m.unknownRoute} {
		if err := reg.Register(col); err != nil {
			return nil, fmt.Errorf("register cache metrics: %w", err)
		}
	}
	return m, nil
}

// routeMetrics are one route's hot-path counters, resolved once per config.
type routeMetrics struct {
	result             map[string]prometheus.Counter
	stores, storedByte prometheus.Counter
	name               string
	parent             *metrics
}

func (m *metrics) forRoute(name string) *routeMetrics {
	rm := &routeMetrics{result: map[string]prometheus.Counter{}, name: name, parent: m,
		stores: m.stores.WithLabelValues(name), storedByte: m.storedBytes.WithLabelValues(name)}
	for _, r := range requestResults {
		rm.result[r] = m.requests.WithLabelValues(name, r)
	}
	return rm
}

func (rm *routeMetrics) count(result string) { rm.result[result].Inc() }
func (rm *routeMetrics) coalesced(outcome string) {
	rm.parent.coalesced.WithLabelValues(rm.name, outcome).Inc()
}
func (rm *routeMetrics) notStored(reason string) {
	rm.parent.notStored.WithLabelValues(rm.name, reason).Inc()
}
func (rm *routeMetrics) stored(bytes int) { rm.stores.Inc(); rm.storedByte.Add(float64(bytes)) }
