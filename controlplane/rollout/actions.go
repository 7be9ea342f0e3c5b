package rollout

import (
	"context"
	"fmt"
)

// By says who acts and why, for history.
type By struct {
	Who string `json:"who"`
	Why string `json:"why,omitempty"`
}

// Promote moves a rollout to its next step now, skipping what is left of
// the hold and the gates (full: straight to 100 %, completed). It is also
// how a `pause` step is passed and a degraded rollout is pushed on.
func (c *Controller) Promote(ctx context.Context, route string, full bool, by By) (Status, error) {
	action := ActionPromote
	if full {
		action = ActionPromoteFull
	}
	return c.act(ctx, route, action, by, func(s *state, p plan, a actor) (Event, error) { return s.promote(p, full, a) })
}

// Pause stops promotions (gates are still checked and failures still act)
// and the hold clock, until Resume.
func (c *Controller) Pause(ctx context.Context, route string, by By) (Status, error) {
	return c.act(ctx, route, ActionPause, by, (*state).pause)
}

// Resume continues a paused rollout, re-holds a degraded one at its
// percent, and restarts a rolled back or aborted one from its start.
func (c *Controller) Resume(ctx context.Context, route string, by By) (Status, error) {
	return c.act(ctx, route, ActionResume, by, (*state).resume)
}

// Abort sends all of the route's traffic back to legacy (0 %).
func (c *Controller) Abort(ctx context.Context, route string, by By) (Status, error) {
	return c.act(ctx, route, ActionAbort, by, (*state).abort)
}

// act applies an operator action as a compare-and-set, retried when the
// driver or another replica wrote in between.
func (c *Controller) act(ctx context.Context, route, action string, by By, f func(*state, plan, actor) (Event, error)) (Status, error) {
	p, ok := c.plan(route)
	if !ok {
		return Status{}, unknownRoute(route)
	}
	if by.Who == "" {
		return Status{}, fmt.Errorf("route %q: %s: who acts is required, for history", route, action)
	}
	for range maxAttempts {
		cur, err := c.store.load(ctx, route)
		if err != nil {
			return Status{}, err
		}
		switch {
		case cur.st == nil:
			return Status{}, fmt.Errorf("route %q: the rollout has not started (no state yet): %s %w", route, action, ErrNotAllowed)
		case cur.st.Plan != p.fingerprint:
			return Status{}, fmt.Errorf("route %q: the rollout follows another plan than this replica's route file; %s %w until the file is the same everywhere",
				route, action, ErrNotAllowed)
		}
		next := cur.st.clone()
		ev, err := f(next, p, actor{at: c.clock.Now(), who: by.Who, why: by.Why})
		if err != nil {
			return Status{}, err
		}
		s, ok, err := c.store.write(ctx, route, cur, next, "", []Event{ev})
		if err != nil {
			return Status{}, err
		}
		if ok {
			c.absorbOne(route, s)
			c.metrics.countEvents([]Event{ev})
			c.logEvents([]Event{ev})
			c.wake()
			return c.status(p, s), nil
		}
	}
	return Status{}, fmt.Errorf("route %q: %s: the rollout kept changing underneath; try again", route, action)
}

// History is the route's changes, newest first, at most limit (0: 100).
// Routes without a rollout have history too: their file percent changes.
func (c *Controller) History(ctx context.Context, route string, limit int) ([]Event, error) {
	if limit <= 0 {
		limit = 100
	}
	return c.store.history(ctx, route, limit)
}
