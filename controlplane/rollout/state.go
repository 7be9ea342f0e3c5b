package rollout

import (
	"time"

	"github.com/strangler-dev/strangler/routes"
)

// state is one route's rollout as stored in Redis (JSON). Percents are
// basis points, exact like the route file's.
type state struct {
	Plan        string         `json:"plan"`            // fingerprint of the plan it follows
	FilePercent routes.Percent `json:"file_percent_bp"` // the file percent last reconciled
	Next        int            `json:"next"`            // index in the plan's steps of the next step
	Phase       Phase          `json:"phase"`
	Percent     routes.Percent `json:"percent_bp"`      // effective
	Safe        routes.Percent `json:"safe_percent_bp"` // the last percent whose hold passed its gates
	Since       time.Time      `json:"since"`           // the current step's start (shifted by pauses)
	PausedAt    time.Time      `json:"paused_at,omitzero"`
	CheckFrom   time.Time      `json:"check_from"` // start of the window of the next check
	Failures    int            `json:"failures"`   // consecutive failed checks
	Verdicts    []Verdict      `json:"verdicts,omitempty"`
	Reason      string         `json:"reason,omitempty"` // why it is in its phase
	UpdatedAt   time.Time      `json:"updated_at"`
	UpdatedBy   string         `json:"updated_by"`
}

func (s *state) clone() *state {
	c := *s
	c.Verdicts = append([]Verdict(nil), s.Verdicts...)
	return &c
}

// Verdict is one gate check of a route.
type Verdict struct {
	At      time.Time      `json:"at"`
	Percent routes.Percent `json:"percent_bp"` // the effective percent the window was at
	Result  Result         `json:"result"`
	Reasons []string       `json:"reasons,omitempty"` // of the checks that decided the result
	Checks  []Check        `json:"checks"`
}

// Check is one gate of a verdict.
type Check struct {
	Gate   string `json:"gate"` // shadow_match, error_rate, p99_latency
	Result Result `json:"result"`
	Source string `json:"source"` // shadow or prometheus
	Detail string `json:"detail"` // e.g. "shadow match 97.1% < 99.5%"
}

// Result of a check or a verdict.
type Result string

// Results. Inconclusive never promotes and never counts as a failure.
const (
	Pass         Result = "pass"
	Fail         Result = "fail"
	Inconclusive Result = "inconclusive"
)

// Gate names, as in the route file and the metrics.
const (
	GateShadowMatch = "shadow_match"
	GateErrorRate   = "error_rate"
	GateP99         = "p99_latency"
)

// Event is one change in a route's history.
type Event struct {
	At     time.Time      `json:"at"`
	Route  string         `json:"route"`
	Action string         `json:"action"`
	Who    string         `json:"who"`
	Why    string         `json:"why,omitempty"`
	From   routes.Percent `json:"from_bp"`
	To     routes.Percent `json:"to_bp"`
	Phase  Phase          `json:"phase"`
}

// Actions recorded in history and counted in strangler_rollout_actions_total.
const (
	ActionStart       = "start"        // state created at the file percent
	ActionPromote     = "promote"      // operator, one step
	ActionPromoteFull = "promote_full" // operator, straight to 100 %
	ActionAutoPromote = "auto_promote" // hold passed with a passing check
	ActionComplete    = "complete"
	ActionHold        = "hold" // hold over, check not passing yet
	ActionRollback    = "rollback"
	ActionDegrade     = "degrade"
	ActionPause       = "pause"
	ActionResume      = "resume"
	ActionAbort       = "abort"
	ActionPlanChange  = "plan_change"
	ActionFileChange  = "file_change" // the file percent was edited
	ActionRemoved     = "removed"     // the rollout left the file
)
