package console

import (
	"net/http"
	"strings"

	dto "github.com/prometheus/client_model/go"
)

// Figures are a route's edge counters since this process started, read
// from the admin server's registry (the rate limit and cache services run
// in serve and register there). A nil part is not available here, with
// the reason in Missing.
type Figures struct {
	Route     string            `json:"route"`
	RateLimit *RateLimitFigures `json:"ratelimit"`
	Cache     *CacheFigures     `json:"cache"`
	Missing   map[string]string `json:"missing,omitempty"` // part -> why it is not available
}

// RateLimitFigures are decisions per limit and result (ok, over_limit,
// shadow_over_limit, error_allow, error_deny). Limits named "_default#n"
// are the file's defaults, shared by every route without limits of its own.
type RateLimitFigures struct {
	Limits map[string]map[string]float64 `json:"limits"`
}

// CacheFigures are the route's cache counters.
type CacheFigures struct {
	Requests    map[string]float64 `json:"requests"` // hit, stale, miss, pass, bypass, error, stale_if_error
	Coalesced   map[string]float64 `json:"coalesced"`
	NotStored   map[string]float64 `json:"not_stored"`
	Stores      float64            `json:"stores"`
	StoredBytes float64            `json:"stored_bytes"`
	// HitRatio is the share of the route's requests answered from the
	// cache (hit or stale), in percent; nil before any request.
	HitRatio *float64 `json:"hit_ratio"`
}

// Metric families the figures come from (envoy/ratelimit, envoy/cache).
const (
	mRateLimitDecisions = "strangler_ratelimit_decisions_total"
	mCacheRequests      = "strangler_cache_requests_total"
	mCacheCoalesced     = "strangler_cache_coalesced_total"
	mCacheNotStored     = "strangler_cache_not_stored_total"
	mCacheStores        = "strangler_cache_stores_total"
	mCacheStoredBytes   = "strangler_cache_stored_bytes_total"
)

func (c *console) figures(w http.ResponseWriter, r *http.Request) {
	route := r.PathValue("route")
	out := Figures{Route: route, Missing: map[string]string{}}
	if c.opts.Gatherer == nil {
		out.Missing["ratelimit"] = "this console was given no metrics registry"
		out.Missing["cache"] = out.Missing["ratelimit"]
		writeJSON(w, http.StatusOK, out)
		return
	}
	families, err := c.opts.Gatherer.Gather()
	if err != nil && len(families) == 0 {
		writeError(w, http.StatusInternalServerError, "gather metrics: "+err.Error())
		return
	}
	out.RateLimit, out.Cache = rateLimitFigures(families, route), cacheFigures(families, route)
	if out.RateLimit == nil {
		out.Missing["ratelimit"] = "no rate limit decisions are counted in this process for this route: no rate limit service runs here, or no limit applies to the route"
	}
	if out.Cache == nil {
		out.Missing["cache"] = "no cache counters in this process for this route: no cache service runs here, or the route is not cached"
	}
	writeJSON(w, http.StatusOK, out)
}

func rateLimitFigures(families []*dto.MetricFamily, route string) *RateLimitFigures {
	var out *RateLimitFigures
	eachSeries(families, mRateLimitDecisions, func(labels map[string]string, v float64) {
		id := labels["limit"]
		if !strings.HasPrefix(id, route+"#") && !strings.HasPrefix(id, "_default#") {
			return
		}
		if out == nil {
			out = &RateLimitFigures{Limits: map[string]map[string]float64{}}
		}
		if out.Limits[id] == nil {
			out.Limits[id] = map[string]float64{}
		}
		out.Limits[id][labels["result"]] += v
	})
	return out
}

func cacheFigures(families []*dto.MetricFamily, route string) *CacheFigures {
	out := &CacheFigures{Requests: map[string]float64{}, Coalesced: map[string]float64{}, NotStored: map[string]float64{}}
	seen := false
	add := func(name, label string, into map[string]float64, total *float64) {
		eachSeries(families, name, func(labels map[string]string, v float64) {
			if labels["route"] != route {
				return
			}
			seen = true
			if into != nil {
				into[labels[label]] += v
			} else {
				*total += v
			}
		})
	}
	add(mCacheRequests, "result", out.Requests, nil)
	add(mCacheCoalesced, "outcome", out.Coalesced, nil)
	add(mCacheNotStored, "reason", out.NotStored, nil)
	add(mCacheStores, "", nil, &out.Stores)
	add(mCacheStoredBytes, "", nil, &out.StoredBytes)
	if !seen {
		return nil
	}
	var all float64
	for result, n := range out.Requests {
		if result != "stale_if_error" { // counted once more, when it went to the origin
			all += n
		}
	}
	if all > 0 {
		ratio := 100 * (out.Requests["hit"] + out.Requests["stale"]) / all
		out.HitRatio = &ratio
	}
	return out
}

// eachSeries calls fn for every counter or gauge series of the family name.
func eachSeries(families []*dto.MetricFamily, name string, fn func(labels map[string]string, v float64)) {
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := make(map[string]string, len(m.GetLabel()))
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			switch {
			case m.GetCounter() != nil:
				fn(labels, m.GetCounter().GetValue())
			case m.GetGauge() != nil:
				fn(labels, m.GetGauge().GetValue())
			}
		}
	}
}
