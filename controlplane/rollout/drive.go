package rollout

import (
	"context"
	"slices"
	"time"
)

// driveProgress is where the driver stands, for tests to wait on a fake
// clock without sleeping.
type driveProgress struct {
	at      time.Time // clock time of the last pass
	next    time.Time // when it wakes next (zero: only when kicked)
	kicks   uint64    // kicks seen by the last pass
	waiting bool      // blocked until next or a kick
}

// retryAfter is how long (on the Clock) a route waits after a Redis error.
const retryAfter = 5 * time.Second

// drive moves rollouts on until ctx ends (shutdown or a lost lease).
func (c *Controller) drive(ctx context.Context) {
	for ctx.Err() == nil {
		kicks := c.kicks.Load()
		now := c.clock.Now()
		next := c.pass(ctx, now)
		var timer <-chan time.Time
		if !next.IsZero() {
			wait := next.Sub(c.clock.Now())
			if wait <= 0 {
				continue
			}
			timer = c.clock.After(wait)
			if !c.clock.Now().Before(next) {
				continue
			}
		}
		c.setProgress(driveProgress{at: now, next: next, kicks: kicks, waiting: true})
		select {
		case <-ctx.Done():
		case <-c.kick:
		case <-timer:
		}
		c.setProgress(driveProgress{at: now, next: next, kicks: kicks})
	}
}

func (c *Controller) setProgress(p driveProgress) {
	c.progMu.Lock()
	c.progress = p
	c.progMu.Unlock()
}

// pass looks at every route once and returns when the next is due.
func (c *Controller) pass(ctx context.Context, now time.Time) time.Time {
	names := c.planNames()
	slices.Sort(names)
	var next time.Time
	for _, name := range names {
		p, ok := c.plan(name)
		if !ok {
			continue
		}
		due, err := c.driveRoute(ctx, p, now)
		if ctx.Err() != nil {
			return time.Time{}
		}
		if err != nil {
			c.log.Warn("rollout check not done; retrying", "route", name, "error", err)
			due = now.Add(min(retryAfter, p.r.Gates.Interval))
		}
		if !due.IsZero() && (next.IsZero() || due.Before(next)) {
			next = due
		}
	}
	return next
}

// driveRoute checks one route's gates if its interval is up and applies
// the verdict. It returns when the route is next due (zero: not until
// something changes).
func (c *Controller) driveRoute(ctx context.Context, p plan, now time.Time) (time.Time, error) {
	cur, err := c.store.load(ctx, p.route)
	if err != nil {
		return time.Time{}, err
	}
	c.absorbOne(p.route, cur)
	var verdict *Verdict
	for range maxAttempts {
		a := actor{at: now, who: c.driverName()}
		var next *state
		var events []Event
		switch st := cur.st; {
		case st == nil:
			// Update starts rollouts; this one's state was lost or never written.
			next, events = reconcile(nil, p, a)
		case st.Plan != p.fingerprint:
			c.warnPlan(p, st)
			return time.Time{}, nil
		case !st.Phase.checked():
			return time.Time{}, nil
		case now.Before(st.CheckFrom.Add(p.r.Gates.Interval)):
			return st.CheckFrom.Add(p.r.Gates.Interval), nil
		default:
			if verdict == nil || verdict.Percent != st.Percent {
				v := c.evaluate(ctx, p, st.Percent, now)
				verdict = &v
			}
			next = st.clone()
			events = next.applyVerdict(p, *verdict, c.keep, a)
		}
		if !c.leading() || ctx.Err() != nil {
			return time.Time{}, ctx.Err() // the lease is gone: write nothing
		}
		s, ok, err := c.store.write(ctx, p.route, cur, next, "", events)
		if err != nil {
			return time.Time{}, err
		}
		if ok {
			c.absorbOne(p.route, s)
			c.metrics.countEvents(events)
			c.logEvents(events)
			if !next.Phase.checked() {
				return time.Time{}, nil
			}
			return next.CheckFrom.Add(p.r.Gates.Interval), nil
		}
		// An action or another writer came first: apply the same check to
		// what is there now, unless it moved to another percent.
		if cur, err = c.store.load(ctx, p.route); err != nil {
			return time.Time{}, err
		}
	}
	return now.Add(p.r.Gates.Interval), nil
}

func (c *Controller) warnPlan(p plan, st *state) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.warned[p.route] == st.Plan {
		return
	}
	c.warned[p.route] = st.Plan
	c.log.Warn("rollout not driven: its shared state follows another plan than this replica's route file; waiting for the same file here",
		"route", p.route, "state_plan", st.Plan, "file_plan", p.fingerprint)
}

func (c *Controller) logEvents(events []Event) {
	for _, e := range events {
		c.log.Info("rollout "+e.Action, "route", e.Route, "from", e.From.String(), "to", e.To.String(), "phase", e.Phase,
			"who", e.Who, "why", e.Why)
	}
}
