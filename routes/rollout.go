package routes

import (
	"net/url"
	"strings"

	"gopkg.in/yaml.v3"
)

func (d *decoder) decodeRollout(n *yaml.Node, l loc, r *Route) *Rollout {
	ro := &Rollout{OnFailure: OnFailureRollback,
		Gates: Gates{Interval: DefaultGateInterval, MinRequests: DefaultMinRequests, Failures: DefaultFailures}}
	fs := d.fields(n, l, "steps", "hold", "gates", "on_failure")
	if fs == nil {
		return ro
	}
	if v := fs["steps"]; v == nil {
		d.errorf(n, l, "steps is required, e.g. steps: [1, 5, 25, 50, 100]")
	} else {
		ro.Steps = d.rolloutSteps(v, l.at("steps"), r.Percent)
	}
	if v := fs["hold"]; v == nil {
		d.errorf(n, l, "hold is required: the time at each step before the next (e.g. 24h)")
	} else {
		ro.Hold = d.duration(v, l.at("hold"))
	}
	if v := fs["gates"]; v != nil {
		d.decodeGates(v, l.at("gates"), &ro.Gates)
	}
	if v := fs["on_failure"]; v != nil {
		if ro.OnFailure = d.str(v, l.at("on_failure")); ro.OnFailure != OnFailureRollback && ro.OnFailure != OnFailurePause {
			d.errorf(v, l.at("on_failure"), "%q: want rollback or pause", ro.OnFailure)
		}
	}
	return ro
}

// rolloutSteps must rise strictly above the route's file percent (where a
// rollout starts) and end at 100: a plan that never completes, or that
// would move users back, is a mistake in the file, not a rollout.
func (d *decoder) rolloutSteps(n *yaml.Node, l loc, start Percent) []RolloutStep {
	var steps []RolloutStep
	last := start
	items := d.list(n, l)
	for i, item := range items {
		il := l.at("[" + itoa(i) + "]")
		s, ok := d.scalar(item, il, "a percent or pause")
		if !ok {
			continue
		}
		if s == "pause" {
			steps = append(steps, RolloutStep{Pause: true})
			continue
		}
		p, err := ParsePercent(s)
		if err != nil {
			d.errorf(item, il, "%v (or `pause`)", err)
			continue
		}
		if p <= last {
			d.errorf(item, il, "%s does not rise above %s: steps must go up from the route's percent", p, last)
		}
		last = p
		steps = append(steps, RolloutStep{Percent: p})
	}
	if n.Kind == yaml.SequenceNode && (len(items) == 0 || last != Full) {
		d.errorf(n, l, "the last percent step must be 100")
	}
	return steps
}

func (d *decoder) decodeGates(n *yaml.Node, l loc, g *Gates) {
	fs := d.fields(n, l, "interval", "shadow_match", "error_rate", "p99_latency", "min_requests", "failures")
	if fs == nil {
		return
	}
	if v := fs["interval"]; v != nil {
		g.Interval = d.duration(v, l.at("interval"))
	}
	if v := fs["shadow_match"]; v != nil {
		p := d.percent(v, l.at("shadow_match"))
		g.ShadowMatch = &p
	}
	if v := fs["error_rate"]; v != nil {
		p := d.percent(v, l.at("error_rate"))
		g.ErrorRate = &p
	}
	if v := fs["p99_latency"]; v != nil {
		g.P99Latency = d.duration(v, l.at("p99_latency"))
	}
	if v := fs["min_requests"]; v != nil {
		g.MinRequests = d.integer(v, l.at("min_requests"), 1, 1<<40)
	}
	if v := fs["failures"]; v != nil {
		g.Failures = int(d.integer(v, l.at("failures"), 1, 1000))
	}
	if g.ShadowMatch == nil && g.ErrorRate == nil && g.P99Latency == 0 {
		d.errorf(n, l, "at least one of shadow_match, error_rate and p99_latency is required: a rollout must be gated on something")
	}
}

func (d *decoder) decodeMetrics(n *yaml.Node) Metrics {
	l := loc{route: -1, field: "metrics"}
	var m Metrics
	fs := d.fields(n, l, "prometheus")
	if v := fs["prometheus"]; v != nil {
		m.Prometheus = strings.TrimRight(d.str(v, l.at("prometheus")), "/")
		if u, err := url.Parse(m.Prometheus); m.Prometheus != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
			d.errorf(v, l.at("prometheus"), "%q is not an http(s) URL", m.Prometheus)
		}
	}
	return m
}
