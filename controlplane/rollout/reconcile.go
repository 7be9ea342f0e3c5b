package rollout

import (
	"fmt"
	"strings"
)

// reconcile brings a stored state in line with the route file. A changed
// plan keeps the effective percent (never a jump) and re-aims the next step
// at the first one above it. A file percent raised above the effective one
// moves the rollout forward to it, with a fresh hold; any other file
// percent edit is recorded and moves nothing, because the file percent is
// where a rollout starts and abort is the way back. No events: in line.
func reconcile(s *state, p plan, a actor) (*state, []Event) {
	if s == nil {
		st, ev := startState(p, a)
		return st, []Event{ev}
	}
	s = s.clone()
	var events []Event
	if s.Plan != p.fingerprint {
		s.Plan = p.fingerprint
		s.Next = p.nextAfter(s.Percent)
		if s.Phase == PhaseHolding || s.Phase == PhaseWaitingPromote {
			// The pause or the hold it waited on may be gone; the next check decides again.
			s.Phase = PhaseProgressing
		}
		pa := a
		pa.why = "new plan " + strings.Join(stepLabels(p.r.Steps), " → ") + "; next step " + nextLabel(p, s.Next)
		events = append(events, record(p.route, s, ActionPlanChange, s.Percent, pa))
	}
	if s.FilePercent != p.start {
		old, from := s.FilePercent, s.Percent
		s.FilePercent = p.start
		fa := a
		if p.start > s.Percent && s.Phase != PhaseCompleted {
			s.enterStep(a.at)
			s.Percent, s.Next, s.Phase = p.start, p.nextAfter(p.start), PhaseProgressing
			fa.why = fmt.Sprintf("file percent %s → %s: the rollout moves forward to it", old, p.start)
			s.Reason = fa.why
		} else {
			fa.why = fmt.Sprintf("file percent %s → %s; the effective percent stays %s (the file percent is where a rollout starts; abort moves traffic back)",
				old, p.start, s.Percent)
		}
		events = append(events, record(p.route, s, ActionFileChange, from, fa))
	}
	return s, events
}

func nextLabel(p plan, next int) string {
	if next >= len(p.r.Steps) {
		return "complete"
	}
	return stepLabel(p.r.Steps[next])
}
