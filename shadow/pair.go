package shadow

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/strangler-dev/strangler/shadow/diff"
)

// pairer turns one request, and the primary response when Envoy captured
// it, into an Observation: it calls the side(s) it lacks, the noise call
// when sampled, and compares. The receiver's workers and Replay share it.
type pairer struct {
	client  *http.Client
	metrics *metrics
	log     *slog.Logger
	// noiseRoll reports whether a request falls in a route's noise share.
	noiseRoll func(percent float64) bool
}

func rollPercent(p float64) bool { return p > 0 && rand.Float64()*100 < p }

// primary is the response that served the user, as the capture saw it.
type primary struct {
	resp     *response
	side     string // SideLegacy or SideNew
	attempts int    // x-envoy-attempt-count; 0 when absent
}

// limits are the per-call bounds in force.
type limits struct {
	timeout time.Duration
	maxBody int64
}

// observe compares req's two answers. With p nil (a replay) it calls legacy
// as well as new.
func (pr *pairer) observe(ctx context.Context, rs *routeState, req *request, p *primary, lim limits) Observation {
	obs := Observation{Route: rs.Name, Method: req.Method, Path: pathOnly(req.URI), RequestID: req.ID, At: time.Now()}
	if p != nil {
		obs.Served = p.side
		side := obs.side(p.side)
		if side == nil || p.resp == nil || p.resp.Status == 0 { // no side marker or no :status: not Envoy's shadow route
			obs.NotComparable = NotComparableError
			return obs
		}
		if p.side == SideNew && p.attempts > 1 {
			// The new side failed and a retry went to legacy: the user's
			// answer is legacy's, and the new side's failure is what counts.
			obs.New.Failed, obs.NotComparable = true, NotComparableFellBack
			return obs
		}
		side.Status, side.Latency = p.resp.Status, p.resp.Latency
	}
	switch {
	case req.TooLarge || (p != nil && p.resp.TooLarge):
		obs.NotComparable = NotComparableTooLarge
		return obs
	case !rs.mayCall(req.Method):
		pr.metrics.calls.WithLabelValues("none", NotComparableRefused).Inc()
		pr.log.Warn("shadow: method not shadowed on this route; neither side called", "route", rs.Name, "method", req.Method)
		obs.NotComparable = NotComparableRefused
		return obs
	}
	if p == nil {
		resp, reason := pr.fetch(ctx, rs, SideLegacy, req, lim, &obs)
		if reason != callOK {
			obs.NotComparable = reason
			return obs
		}
		p = &primary{resp: resp, side: SideLegacy}
	}
	other := SideNew
	if p.side == SideNew {
		other = SideLegacy
	}
	resp, reason := pr.fetch(ctx, rs, other, req, lim, &obs)
	if reason != callOK {
		obs.NotComparable = reason
		return obs
	}
	legacy, candidate := p.resp, resp
	if p.side == SideNew {
		legacy, candidate = resp, p.resp
	}
	res := rs.cmp.Compare(toDiff(legacy), toDiff(candidate))
	obs.Result, obs.comparer = &res, rs.cmp
	if p.side == SideLegacy && req.Method == http.MethodGet && anonymous(req.Header) && pr.noiseRoll(rs.NoisePercent) {
		obs.Noise = pr.noise(ctx, rs, req, p.resp, lim)
	}
	return obs
}

// noise calls legacy once more and compares its two answers (Diffy's
// primary and secondary); nil when the second call or the comparison failed.
func (pr *pairer) noise(ctx context.Context, rs *routeState, req *request, first *response, lim limits) *diff.Result {
	var scratch Observation // the second legacy answer is not a latency sample
	second, reason := pr.fetch(ctx, rs, SideLegacy, req, lim, &scratch)
	if reason != callOK {
		return nil
	}
	res := rs.cmp.Compare(toDiff(first), toDiff(second))
	if res.NotComparable != "" {
		return nil
	}
	return &res
}

// fetch calls one side and notes its status and latency in obs.
func (pr *pairer) fetch(ctx context.Context, rs *routeState, side string, req *request, lim limits, obs *Observation) (*response, string) {
	resp, result, err := call(ctx, pr.client, rs.endpoint(side), req, rs.timeout(lim.timeout), lim.maxBody)
	pr.metrics.calls.WithLabelValues(side, result).Inc()
	st := obs.side(side)
	if err != nil {
		pr.log.Debug("shadow call failed", "route", rs.Name, "side", side, "err", err)
		st.Failed = true
		return nil, result
	}
	pr.metrics.callSeconds.WithLabelValues(side).Observe(resp.Latency.Seconds())
	st.Status, st.Latency = resp.Status, resp.Latency
	return resp, result
}

func (o *Observation) side(name string) *SideStats {
	switch name {
	case SideLegacy:
		return &o.Legacy
	case SideNew:
		return &o.New
	}
	return nil
}

func toDiff(r *response) diff.Response {
	return diff.Response{Status: r.Status, Header: comparableHeader(r.Header), Body: r.Body}
}

func pathOnly(uri string) string {
	if i := strings.IndexAny(uri, "?#"); i >= 0 {
		return uri[:i]
	}
	return uri
}
