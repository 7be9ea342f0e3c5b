package rollout

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/strangler-dev/strangler/routes"
)

// sourceTimeout bounds each read of a gate's figures; a source that does
// not answer makes the check inconclusive, not the loop stuck.
const sourceTimeout = 10 * time.Second

// Sources named in checks.
const (
	sourceShadow     = "shadow"
	sourcePrometheus = "prometheus"
)

// evaluate checks a route's gates over the interval that ends at now, at
// the effective percent pct.
func (c *Controller) evaluate(ctx context.Context, p plan, pct routes.Percent, now time.Time) Verdict {
	g := p.r.Gates
	v := Verdict{At: now, Percent: pct}
	if g.ShadowMatch != nil {
		v.Checks = append(v.Checks, c.shadowCheck(ctx, p, now))
	}
	if g.ErrorRate != nil || g.P99Latency > 0 {
		v.Checks = append(v.Checks, c.newSideChecks(ctx, p, pct, now)...)
	}
	v.Result, v.Reasons = combine(v.Checks)
	for _, ch := range v.Checks {
		c.metrics.gate.WithLabelValues(p.route, ch.Gate, string(ch.Result)).Inc()
	}
	c.metrics.gate.WithLabelValues(p.route, "overall", string(v.Result)).Inc()
	return v
}

// combine: any failure fails the verdict (a gate with enough data that is
// out of bounds is a failure even if another gate lacks data); otherwise
// any missing data makes it inconclusive.
func combine(checks []Check) (Result, []string) {
	result := Pass
	for _, ch := range checks {
		if ch.Result == Fail || (ch.Result == Inconclusive && result == Pass) {
			result = ch.Result
		}
	}
	var reasons []string
	for _, ch := range checks {
		if ch.Result == result {
			reasons = append(reasons, ch.Detail)
		}
	}
	return result, reasons
}

func (c *Controller) shadowCheck(ctx context.Context, p plan, now time.Time) Check {
	ch := Check{Gate: GateShadowMatch, Source: sourceShadow}
	g := p.r.Gates
	ctx, cancel := context.WithTimeout(ctx, sourceTimeout)
	defer cancel()
	compared, matched, err := c.shadow.MatchRate(ctx, p.route, now.Add(-g.Interval), now)
	switch {
	case err != nil:
		ch.Result, ch.Detail = Inconclusive, "shadow match: "+err.Error()
	case compared < g.MinRequests:
		ch.Result, ch.Detail = Inconclusive, fmt.Sprintf("shadow: %d compared < min_requests %d", compared, g.MinRequests)
	case matched*10000 < int64(*g.ShadowMatch)*compared:
		ch.Result, ch.Detail = Fail, fmt.Sprintf("shadow match %s < %s", share(matched, compared), g.ShadowMatch)
	default:
		ch.Result, ch.Detail = Pass, fmt.Sprintf("shadow match %s ≥ %s", share(matched, compared), g.ShadowMatch)
	}
	return ch
}

// newSideChecks reads the new service's error rate and p99 from Envoy
// through Prometheus once it has live traffic; before that (percent 0), or
// without Prometheus, from the shadow receiver, which calls it itself.
func (c *Controller) newSideChecks(ctx context.Context, p plan, pct routes.Percent, now time.Time) []Check {
	g := p.r.Gates
	ctx, cancel := context.WithTimeout(ctx, sourceTimeout)
	defer cancel()
	var st EnvoyStats
	var err error
	source := sourceShadow
	if c.envoy != nil && pct > 0 {
		source = sourcePrometheus
		st, err = c.envoy.NewSideStats(ctx, p.backend, g.Interval, now)
	} else {
		var requests, errs int64
		requests, errs, st.P99, err = c.shadow.NewSideStats(ctx, p.route, now.Add(-g.Interval), now)
		st.Requests, st.HasRequests = float64(requests), true
		if requests > 0 {
			st.ErrorRate, st.HasErrorRate, st.HasP99 = float64(errs)/float64(requests), true, true
		}
	}
	var out []Check
	if g.ErrorRate != nil {
		limit := g.ErrorRate.Float() / 100
		out = append(out, bounded(GateErrorRate, source, err, st, g.MinRequests, st.HasErrorRate, st.ErrorRate > limit,
			"error rate "+percentOf(st.ErrorRate), g.ErrorRate.String()))
	}
	if g.P99Latency > 0 {
		out = append(out, bounded(GateP99, source, err, st, g.MinRequests, st.HasP99, st.P99 > g.P99Latency,
			"p99 "+st.P99.Round(time.Millisecond).String(), g.P99Latency.String()))
	}
	return out
}

// bounded is a check of a figure against a maximum.
func bounded(gate, source string, err error, st EnvoyStats, minRequests int64, has, over bool, observed, limit string) Check {
	ch := Check{Gate: gate, Source: source}
	name := strings.ReplaceAll(gate, "_", " ")
	switch {
	case err != nil:
		ch.Result, ch.Detail = Inconclusive, fmt.Sprintf("%s: %s: %v", name, source, err)
	case !st.HasRequests || st.Requests < float64(minRequests):
		ch.Result, ch.Detail = Inconclusive, fmt.Sprintf("%s: %s requests < min_requests %d (%s)", name, countOf(st), minRequests, source)
	case !has:
		ch.Result, ch.Detail = Inconclusive, fmt.Sprintf("%s: no data (%s)", name, source)
	case over:
		ch.Result, ch.Detail = Fail, fmt.Sprintf("%s > %s", observed, limit)
	default:
		ch.Result, ch.Detail = Pass, fmt.Sprintf("%s ≤ %s", observed, limit)
	}
	return ch
}

func countOf(st EnvoyStats) string {
	if !st.HasRequests {
		return "no"
	}
	return strconv.FormatFloat(st.Requests, 'f', 0, 64)
}

// share is n/of as a percent with at most two decimals, e.g. 97.1%.
func share(n, of int64) string { return percentOf(float64(n) / float64(of)) }

func percentOf(f float64) string {
	s := strconv.FormatFloat(f*100, 'f', 2, 64)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".") + "%"
}
