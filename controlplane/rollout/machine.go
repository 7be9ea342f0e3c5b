package rollout

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/strangler-dev/strangler/routes"
)

// ErrNotAllowed is returned when an action does not apply in the rollout's
// phase (promoting an aborted rollout, pausing a completed one...).
var ErrNotAllowed = errors.New("not allowed")

// actor is who changes a state, when, and why.
type actor struct {
	at       time.Time
	who, why string
}

// record stamps the state and makes the history event for a change.
func record(route string, s *state, action string, from routes.Percent, a actor) Event {
	s.UpdatedAt, s.UpdatedBy = a.at, a.who
	return Event{At: a.at, Route: route, Action: action, Who: a.who, Why: a.why, From: from, To: s.Percent, Phase: s.Phase}
}

// enterStep starts a step's hold and its first check window afresh.
func (s *state) enterStep(now time.Time) {
	s.Since, s.CheckFrom, s.Failures, s.PausedAt = now, now, 0, time.Time{}
}

func startState(p plan, a actor) (*state, Event) {
	s := &state{Plan: p.fingerprint, FilePercent: p.start, Phase: PhaseProgressing, Percent: p.start, Safe: p.start}
	s.enterStep(a.at)
	s.Reason = fmt.Sprintf("started at %s, the file percent; plan %s", p.start, strings.Join(stepLabels(p.r.Steps), " → "))
	return s, record(p.route, s, ActionStart, p.start, a)
}

// advance takes the next step of the plan; auto says the gates earned it,
// which makes the percent left behind the last safe one.
func (s *state) advance(p plan, a actor, auto bool) Event {
	from := s.Percent
	action := ActionPromote
	if auto {
		action = ActionAutoPromote
		s.Safe = from
	}
	if s.Next >= len(p.r.Steps) {
		s.Phase, s.Reason = PhaseCompleted, "all steps done"
		return record(p.route, s, ActionComplete, from, a)
	}
	step := p.r.Steps[s.Next]
	s.Next++
	s.enterStep(a.at)
	if step.Pause {
		s.Phase, s.Reason = PhaseWaitingPromote, "pause step: waiting for `strangler rollout promote`"
	} else {
		s.Percent, s.Phase, s.Reason = step.Percent, PhaseProgressing, ""
	}
	return record(p.route, s, action, from, a)
}

// applyVerdict folds one gate check into the state: failure handling first
// (it must act within the interval that saw the last allowed failure), then
// promotion once the hold is over and the check passed.
func (s *state) applyVerdict(p plan, v Verdict, keep int, a actor) []Event {
	s.Verdicts = append(s.Verdicts, v)
	if len(s.Verdicts) > keep {
		s.Verdicts = s.Verdicts[len(s.Verdicts)-keep:]
	}
	s.CheckFrom = v.At
	s.UpdatedAt, s.UpdatedBy = a.at, a.who
	switch v.Result {
	case Fail:
		s.Failures++
	case Pass:
		s.Failures = 0
	}
	g := p.r.Gates
	if v.Result == Fail && s.Failures >= g.Failures && s.Phase != PhaseDegraded {
		from := s.Percent
		a.why = fmt.Sprintf("%d consecutive failed checks: %s", s.Failures, strings.Join(v.Reasons, "; "))
		s.Reason = a.why
		if p.r.OnFailure == routes.OnFailurePause {
			s.Phase = PhaseDegraded
			return []Event{record(p.route, s, ActionDegrade, from, a)}
		}
		s.Percent, s.Phase = 0, PhaseRolledBack
		return []Event{record(p.route, s, ActionRollback, from, a)}
	}
	if !s.Phase.moving() || a.at.Sub(s.Since) < p.r.Hold {
		return nil
	}
	if v.Result == Pass {
		a.why = fmt.Sprintf("held %s at %s and the gates passed", p.r.Hold, s.Percent)
		return []Event{s.advance(p, a, true)}
	}
	s.Reason = "hold done; waiting for a passing check: " + strings.Join(v.Reasons, "; ")
	if s.Phase == PhaseHolding {
		return nil
	}
	s.Phase = PhaseHolding
	a.why = s.Reason
	return []Event{record(p.route, s, ActionHold, s.Percent, a)}
}

func notAllowed(route string, s *state, action string) error {
	return fmt.Errorf("route %q is %s at %s: %s %w", route, s.Phase, s.Percent, action, ErrNotAllowed)
}

func (s *state) promote(p plan, full bool, a actor) (Event, error) {
	switch s.Phase {
	case PhaseRolledBack, PhaseAborted:
		return Event{}, fmt.Errorf("%w (resume restarts the plan from its start)", notAllowed(p.route, s, "promote"))
	case PhaseCompleted:
		return Event{}, notAllowed(p.route, s, "promote")
	}
	if !full {
		return s.advance(p, a, false), nil
	}
	from := s.Percent
	s.enterStep(a.at)
	s.Percent, s.Next, s.Phase, s.Reason = routes.Full, len(p.r.Steps), PhaseCompleted, "promoted in full"
	return record(p.route, s, ActionPromoteFull, from, a), nil
}

func (s *state) pause(p plan, a actor) (Event, error) {
	if !s.Phase.moving() && s.Phase != PhaseWaitingPromote {
		return Event{}, notAllowed(p.route, s, "pause")
	}
	s.Phase, s.PausedAt, s.Reason = PhasePaused, a.at, "paused by "+a.who
	return record(p.route, s, ActionPause, s.Percent, a), nil
}

// resume continues a paused rollout with its hold clock shifted by the
// pause; a degraded one with a fresh hold at the same percent (its last
// hold saw failures); a rolled back or aborted one from the plan's start.
func (s *state) resume(p plan, a actor) (Event, error) {
	from := s.Percent
	switch s.Phase {
	case PhasePaused:
		s.Since = s.Since.Add(a.at.Sub(s.PausedAt))
		s.PausedAt = time.Time{}
		s.Phase = PhaseProgressing
		if p.atPauseStep(s.Next) {
			s.Phase = PhaseWaitingPromote
		}
	case PhaseDegraded:
		s.enterStep(a.at)
		s.Phase = PhaseProgressing
	case PhaseRolledBack, PhaseAborted:
		s.enterStep(a.at)
		s.Percent, s.Next, s.Phase = p.start, p.nextAfter(p.start), PhaseProgressing
	default:
		return Event{}, notAllowed(p.route, s, "resume")
	}
	s.Reason = "resumed by " + a.who
	return record(p.route, s, ActionResume, from, a), nil
}

func (s *state) abort(p plan, a actor) (Event, error) {
	if s.Phase == PhaseAborted || s.Phase == PhaseRolledBack {
		return Event{}, fmt.Errorf("%w (already at 0)", notAllowed(p.route, s, "abort"))
	}
	from := s.Percent
	s.Percent, s.Phase, s.Reason = 0, PhaseAborted, "aborted by "+a.who
	return record(p.route, s, ActionAbort, from, a), nil
}
