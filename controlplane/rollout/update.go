package rollout

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/strangler-dev/strangler/routes"
)

// Update takes an accepted route file: it starts new rollouts at their
// file percent, re-aims changed plans, moves a rollout forward when its
// file percent was raised above the effective one, ends rollouts that left
// the file, and records in history every file percent change of routes
// without a rollout, attributed to who. Each change is written once however
// many replicas accept the same file.
//
// It reads the shared state before returning, so Effective is right at
// once; call it before translating. On error (Redis unreachable) the file
// is still taken: Effective reports what was last read, or the file
// percent for rollouts never read, and Run keeps reading.
func (c *Controller) Update(ctx context.Context, f *routes.File, who string) error {
	plans := map[string]plan{}
	filePct := map[string]routes.Percent{}
	for _, r := range f.Routes {
		filePct[r.Name] = r.Percent
		if r.Rollout != nil {
			plans[r.Name] = planOf(r)
		}
	}
	c.mu.Lock()
	names := make([]string, 0, len(filePct))
	for n := range filePct {
		names = append(names, n)
	}
	for n := range c.filePct {
		if _, still := filePct[n]; !still {
			names = append(names, n) // left the file: its rollout, if any, ends
		}
	}
	c.plans, c.filePct = plans, filePct
	c.metrics.showFile(filePct, plans)
	c.mu.Unlock()
	defer c.wake()

	// Published only once read: a rollout at 50 % must not be served at its
	// file percent for a moment because this replica just started.
	cur, err := c.store.loadMany(ctx, names)
	if err != nil {
		c.absorb(nil)
		return fmt.Errorf("rollout: read state of %d routes: %w", len(names), err)
	}
	c.absorb(cur)
	a := actor{at: c.clock.Now(), who: who}
	var errs []error
	done := make(map[string]stored, len(names))
	for _, n := range names {
		p, hasPlan := plans[n]
		pct, inFile := filePct[n]
		s, err := c.reconcileRoute(ctx, n, p, hasPlan, pct, inFile, cur[n], a)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		done[n] = s
	}
	c.absorb(done)
	return errors.Join(errs...)
}

// reconcileRoute writes one route's file change, retrying on a concurrent
// write (usually another replica reconciling the same file, after which
// nothing is left to do).
func (c *Controller) reconcileRoute(ctx context.Context, route string, p plan, hasPlan bool, pct routes.Percent, inFile bool,
	cur stored, a actor) (stored, error) {
	for range maxAttempts {
		next, marker, events := fileChange(route, p, hasPlan, pct, inFile, cur, a)
		if len(events) == 0 {
			return cur, nil
		}
		s, ok, err := c.store.write(ctx, route, cur, next, marker, events)
		if err != nil {
			return cur, err
		}
		if ok {
			c.metrics.countEvents(events)
			c.logEvents(events)
			return s, nil
		}
		if cur, err = c.store.load(ctx, route); err != nil {
			return cur, err
		}
	}
	return cur, fmt.Errorf("route %q: rollout state changed %d times while reconciling the file; will retry with the next file", route, maxAttempts)
}

// maxAttempts bounds compare-and-set retries of one change.
const maxAttempts = 5

// fileChange is what the file means for one route's stored state: the new
// state (nil: none), the file marker to write ("" leaves it) and the events.
func fileChange(route string, p plan, hasPlan bool, pct routes.Percent, inFile bool, cur stored, a actor) (*state, string, []Event) {
	marker := strconv.FormatUint(uint64(pct), 10)
	switch {
	case hasPlan:
		next, events := reconcile(cur.st, p, a)
		return next, "", events
	case cur.st != nil:
		// The rollout left the file: the route follows its file percent.
		gone := Event{At: a.at, Route: route, Action: ActionRemoved, Who: a.who, From: cur.st.Percent, To: pct, Phase: cur.st.Phase}
		gone.Why = fmt.Sprintf("the rollout left the route file; the route follows its file percent %s", pct)
		if !inFile {
			gone.To, gone.Why, marker = 0, "the route left the route file", ""
		}
		return nil, marker, []Event{gone}
	case inFile && cur.file != marker:
		ev := Event{At: a.at, Route: route, Action: ActionFileChange, Who: a.who, From: pct, To: pct}
		ev.Why = "file percent " + pct.String()
		if old, err := strconv.ParseUint(cur.file, 10, 32); err == nil {
			ev.From = routes.Percent(old)
			ev.Why = fmt.Sprintf("file percent %s → %s", ev.From, pct)
		}
		return nil, marker, []Event{ev}
	}
	return cur.st, "", nil
}
