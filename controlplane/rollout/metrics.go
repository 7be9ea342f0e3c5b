package rollout

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/strangler-dev/strangler/routes"
)

type metrics struct {
	percent *prometheus.GaugeVec   // every route in the file: effective percent
	phase   *prometheus.GaugeVec   // routes under rollout: 1 for the current phase
	gate    *prometheus.CounterVec // checks made by this replica while driving
	actions *prometheus.CounterVec // changes made through this replica
	leader  prometheus.Gauge

	shownRoutes map[string]bool
	shownPhase  map[string]Phase
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		percent: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "strangler_route_percent",
			Help: "Share of a route's traffic sent to the new service, in percent (the rollout's effective percent when it has one)."},
			[]string{"route"}),
		phase: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "strangler_rollout_phase",
			Help: "1 for the phase a route's rollout is in, 0 for the others."}, []string{"route", "phase"}),
		gate: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "strangler_rollout_gate_checks_total",
			Help: "Rollout gate checks by gate (shadow_match, error_rate, p99_latency, overall) and verdict."},
			[]string{"route", "gate", "verdict"}),
		actions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "strangler_rollout_actions_total",
			Help: "Rollout changes made through this replica, by action (promote, auto_promote, rollback, abort, ...)."},
			[]string{"route", "action"}),
		leader: prometheus.NewGauge(prometheus.GaugeOpts{Name: "strangler_rollout_leader",
			Help: "1 while this replica holds the rollout lease and drives rollouts."}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.percent, m.phase, m.gate, m.actions, m.leader} {
		if err := reg.Register(c); err != nil {
			var already prometheus.AlreadyRegisteredError
			if errors.As(err, &already) {
				return nil, fmt.Errorf("rollout metrics: already registered (one Controller per registry): %w", err)
			}
			return nil, fmt.Errorf("rollout metrics: %w", err)
		}
	}
	return m, nil
}

func (m *metrics) countEvents(events []Event) {
	for _, e := range events {
		m.actions.WithLabelValues(e.Route, e.Action).Inc()
	}
}

// showFile sets the percent of the routes without a rollout, once per
// route file; routes gone from the file lose their series (one by one, so
// a scrape never sees a gap). The caller serialises calls.
func (m *metrics) showFile(filePct map[string]routes.Percent, plans map[string]plan) {
	for r := range m.shownRoutes {
		if _, ok := filePct[r]; !ok {
			m.percent.DeleteLabelValues(r)
		}
	}
	m.shownRoutes = make(map[string]bool, len(filePct))
	for r, p := range filePct {
		m.shownRoutes[r] = true
		if _, ok := plans[r]; !ok {
			m.percent.WithLabelValues(r).Set(p.Float())
		}
	}
}

// showRollouts sets the percent and phase of the routes under rollout;
// phase series are written only when a phase changed.
func (m *metrics) showRollouts(eff map[string]routes.Percent, phases map[string]Phase) {
	for r := range m.shownPhase {
		if _, ok := phases[r]; !ok {
			m.phase.DeletePartialMatch(prometheus.Labels{"route": r})
		}
	}
	for r, p := range eff {
		m.percent.WithLabelValues(r).Set(p.Float())
	}
	for r, cur := range phases {
		if was, ok := m.shownPhase[r]; ok && was == cur {
			continue
		}
		for _, ph := range Phases {
			v := 0.0
			if ph == cur {
				v = 1
			}
			m.phase.WithLabelValues(r, string(ph)).Set(v)
		}
	}
	m.shownPhase = phases
}
