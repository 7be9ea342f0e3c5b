package rollout

// Phase is where a route's rollout stands.
type Phase string

// Phases. Gates are checked in every phase that is not terminal or pending.
const (
	// PhasePending: the rollout is in the file but its state has not been
	// written yet; the effective percent is the file percent.
	PhasePending Phase = "pending"
	// PhaseProgressing: at a step, its hold still running.
	PhaseProgressing Phase = "progressing"
	// PhaseHolding: the hold is over but the latest check did not pass
	// (inconclusive, or failing fewer times than allowed); the step waits.
	PhaseHolding Phase = "holding"
	// PhasePaused: an operator paused it; the hold clock stops meanwhile.
	PhasePaused Phase = "paused"
	// PhaseWaitingPromote: a `pause` step of the plan waits for promote.
	PhaseWaitingPromote Phase = "waiting_promote"
	// PhaseDegraded: the gates failed and on_failure is pause; held where it
	// is until an operator resumes, promotes or aborts.
	PhaseDegraded Phase = "degraded"
	// PhaseRolledBack: the gates failed and on_failure is rollback; at 0.
	PhaseRolledBack Phase = "rolled_back"
	// PhaseAborted: an operator aborted it; at 0.
	PhaseAborted Phase = "aborted"
	// PhaseCompleted: 100 % held and passed (or promoted in full).
	PhaseCompleted Phase = "completed"
)

// Phases lists every phase, for metrics and documentation.
var Phases = []Phase{PhasePending, PhaseProgressing, PhaseHolding, PhasePaused, PhaseWaitingPromote,
	PhaseDegraded, PhaseRolledBack, PhaseAborted, PhaseCompleted}

// checked reports whether gates are evaluated in the phase. Paused and
// waiting rollouts are still checked: a failure while an operator looks
// still acts, because the operator chose on_failure for exactly that.
func (p Phase) checked() bool {
	switch p {
	case PhaseProgressing, PhaseHolding, PhasePaused, PhaseWaitingPromote, PhaseDegraded:
		return true
	}
	return false
}

// moving reports whether the rollout promotes itself when a hold passes.
func (p Phase) moving() bool { return p == PhaseProgressing || p == PhaseHolding }

// failed reports whether the phase means the gates stopped the rollout.
func (p Phase) failed() bool { return p == PhaseDegraded || p == PhaseRolledBack }
