package rollout

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/strangler-dev/strangler/routes"
)

// Status is a route's rollout as the CLI and the admin API show it.
// Percents are basis points (2550 = 25.5 %), like routes.Percent.
type Status struct {
	Route       string         `json:"route"`
	Phase       Phase          `json:"phase"`
	Percent     routes.Percent `json:"percent_bp"` // effective
	FilePercent routes.Percent `json:"file_percent_bp"`
	SafePercent routes.Percent `json:"safe_percent_bp"` // last percent whose hold passed its gates
	Steps       []string       `json:"steps"`           // the plan, e.g. ["1%", "5%", "pause", "100%"]
	Step        int            `json:"step"`            // index in Steps of the step it is at; -1: the start
	Hold        Duration       `json:"hold"`
	HoldLeft    Duration       `json:"hold_left"` // while progressing or paused
	Since       time.Time      `json:"since,omitzero"`
	Failures    int            `json:"failures"`         // consecutive failed checks
	MaxFailures int            `json:"failures_allowed"` // the gates' failures setting
	OnFailure   string         `json:"on_failure"`
	Verdicts    []Verdict      `json:"verdicts,omitempty"` // newest last
	Reason      string         `json:"reason,omitempty"`
	UpdatedAt   time.Time      `json:"updated_at,omitzero"`
	UpdatedBy   string         `json:"updated_by,omitempty"`
	Version     int64          `json:"version"`
	PlanMatches bool           `json:"plan_matches"` // false: the state follows another route file than this replica's
	Leader      string         `json:"leader,omitempty"`
}

// Degraded reports whether the gates stopped the rollout (degraded, or
// rolled back): `strangler rollout status` exits non-zero then.
func (s Status) Degraded() bool { return s.Phase.failed() }

// Duration is a time.Duration written as text in JSON ("24h0m0s").
type Duration time.Duration

// MarshalJSON writes the duration as its String.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads what MarshalJSON wrote.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	*d = Duration(v)
	return err
}

// Status reads a route's rollout from the shared state.
func (c *Controller) Status(ctx context.Context, route string) (Status, error) {
	p, ok := c.plan(route)
	if !ok {
		return Status{}, unknownRoute(route)
	}
	s, err := c.store.load(ctx, route)
	if err != nil {
		return Status{}, err
	}
	c.absorbOne(route, s)
	st := c.status(p, s)
	st.Leader, _ = c.Leader(ctx) // informative only
	return st, nil
}

// StatusAll is every rollout in the route file, by route name.
func (c *Controller) StatusAll(ctx context.Context) ([]Status, error) {
	names := c.planNames()
	slices.Sort(names)
	all, err := c.store.loadMany(ctx, names)
	if err != nil {
		return nil, err
	}
	c.absorb(all)
	leader, _ := c.Leader(ctx) // informative only; a failed read leaves it empty
	out := make([]Status, 0, len(names))
	for _, n := range names {
		if p, ok := c.plan(n); ok {
			st := c.status(p, all[n])
			st.Leader = leader
			out = append(out, st)
		}
	}
	return out, nil
}

func (c *Controller) status(p plan, s stored) Status {
	out := Status{Route: p.route, Phase: PhasePending, Percent: p.start, FilePercent: p.start, SafePercent: p.start,
		Steps: stepLabels(p.r.Steps), Step: -1, Hold: Duration(p.r.Hold), MaxFailures: p.r.Gates.Failures,
		OnFailure: p.r.OnFailure, Version: s.version, PlanMatches: true}
	st := s.st
	if st == nil {
		return out
	}
	out.Phase, out.Percent, out.FilePercent, out.SafePercent = st.Phase, st.Percent, st.FilePercent, st.Safe
	out.Step, out.Since, out.Failures, out.Verdicts = st.Next-1, st.Since, st.Failures, st.Verdicts
	out.Reason, out.UpdatedAt, out.UpdatedBy, out.PlanMatches = st.Reason, st.UpdatedAt, st.UpdatedBy, st.Plan == p.fingerprint
	now := c.clock.Now()
	switch {
	case st.Phase == PhasePaused:
		out.HoldLeft = Duration(max(0, p.r.Hold-st.PausedAt.Sub(st.Since)))
	case st.Phase.moving():
		out.HoldLeft = Duration(max(0, p.r.Hold-now.Sub(st.Since)))
	}
	return out
}
