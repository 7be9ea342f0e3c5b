package rollout

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/routes"
)

// minutesUntil ticks the clock a minute at a time until cond holds of the
// route's status, and says how many minutes that took.
func (r *rig) minutesUntil(c *Controller, route string, limit int, cond func(Status) bool) int {
	r.t.Helper()
	for m := 1; m <= limit; m++ {
		r.tick(c, time.Minute)
		if cond(r.status(c, route)) {
			return m
		}
	}
	r.t.Fatalf("%s: condition not reached in %d minutes: %+v", route, limit, r.status(c, route))
	return 0
}

func atPercent(p routes.Percent) func(Status) bool {
	return func(s Status) bool { return s.Percent == p }
}
func inPhase(ph Phase) func(Status) bool { return func(s Status) bool { return s.Phase == ph } }

func goodEnvoy(r *rig) {
	r.prom.set("catalog", promCluster{requests: 5000, has5xx: true, errorRate: 0.001, p99ms: 150})
}

func TestFullRollout(t *testing.T) {
	r := newRig(t)
	r.shadow.set("orders-api", healthy)
	goodEnvoy(r)
	c, reg := r.controller("a")
	r.update(c, fileBase)
	assert.Equal(t, map[string]routes.Percent{"orders-api": 0}, c.Effective(), "a rollout starts at its file percent")
	r.run(c)
	r.lead(c)

	// Each step holds 10 minutes with passing checks, the start (0 %) included.
	for _, want := range []routes.Percent{100, 500, 2500} {
		assert.Equal(t, 10, r.minutesUntil(c, "orders-api", 30, atPercent(want)), "to %s", want)
	}
	st := r.status(c, "orders-api")
	assert.Equal(t, PhaseProgressing, st.Phase)
	assert.Equal(t, routes.Percent(500), st.SafePercent)
	assert.Equal(t, 10, r.minutesUntil(c, "orders-api", 30, inPhase(PhaseWaitingPromote)))
	r.minutes(c, 30) // a pause step waits for promote, however long
	assert.Equal(t, routes.Percent(2500), r.effective(c, "orders-api"))
	st, err := c.Promote(context.Background(), "orders-api", false, By{Who: "alice", Why: "checked the dashboards"})
	require.NoError(t, err)
	assert.Equal(t, routes.Percent(5000), st.Percent)
	assert.Equal(t, routes.Percent(5000), r.effective(c, "orders-api"))
	assert.Equal(t, 10, r.minutesUntil(c, "orders-api", 30, atPercent(routes.Full)))
	assert.Equal(t, 10, r.minutesUntil(c, "orders-api", 30, inPhase(PhaseCompleted)))

	// Completed: no more checks.
	calls := r.shadow.callsBy("a")
	r.minutes(c, 5)
	assert.Equal(t, calls, r.shadow.callsBy("a"))

	// Error rate and latency came from the shadow receiver at 0 %, from Envoy after.
	st = r.status(c, "orders-api")
	last := st.Verdicts[len(st.Verdicts)-1]
	assert.Equal(t, routes.Full, last.Percent)
	assert.Equal(t, []string{sourceShadow, sourcePrometheus, sourcePrometheus}, checkSources(last))
	for _, q := range r.prom.queries() {
		assert.Equal(t, "catalog", q.cluster)
	}
	hist, err := c.History(context.Background(), "orders-api", 0)
	require.NoError(t, err)
	assert.Equal(t, []string{"start 0%→0%", "auto_promote 0%→1%", "auto_promote 1%→5%", "auto_promote 5%→25%",
		"auto_promote 25%→25%", "promote 25%→50%", "auto_promote 50%→100%", "complete 100%→100%"}, actions(hist))
	assert.Equal(t, "alice", hist[2].Who)
	assert.Equal(t, "checked the dashboards", hist[2].Why)
	assert.Equal(t, "strangler@a", hist[0].Who)
	assert.Equal(t, PhaseWaitingPromote, hist[3].Phase)

	assert.Equal(t, 100.0, testutil.ToFloat64(c.metrics.percent.WithLabelValues("orders-api")))
	assert.Equal(t, 10.0, testutil.ToFloat64(c.metrics.percent.WithLabelValues("catalog-read")), "routes without a rollout show their file percent")
	assert.Equal(t, 1.0, testutil.ToFloat64(c.metrics.phase.WithLabelValues("orders-api", string(PhaseCompleted))))
	assert.Equal(t, 0.0, testutil.ToFloat64(c.metrics.phase.WithLabelValues("orders-api", string(PhaseProgressing))))
	assert.Equal(t, 5.0, testutil.ToFloat64(c.metrics.actions.WithLabelValues("orders-api", ActionAutoPromote)))
	assert.Equal(t, 1.0, testutil.ToFloat64(c.metrics.actions.WithLabelValues("orders-api", ActionPromote)))
	assert.Positive(t, testutil.ToFloat64(c.metrics.gate.WithLabelValues("orders-api", GateShadowMatch, string(Pass))))
	n, err := testutil.GatherAndCount(reg, "strangler_rollout_phase")
	require.NoError(t, err)
	assert.Equal(t, len(Phases), n, "one series per phase of the one rollout")
}

func checkSources(v Verdict) []string {
	var out []string
	for _, ch := range v.Checks {
		out = append(out, ch.Source)
	}
	return out
}

func TestFailingGateRollsBackWithinOneInterval(t *testing.T) {
	r, c := started(t, fileBase)
	r.minutesUntil(c, "orders-api", 30, atPercent(100))

	r.prom.set("catalog", promCluster{requests: 900, has5xx: true, errorRate: 0.05, p99ms: 150})
	for i := 1; i < 3; i++ {
		r.tick(c, time.Minute)
		st := r.status(c, "orders-api")
		assert.Equal(t, routes.Percent(100), st.Percent, "failure %d of 3 allowed", i)
		assert.Equal(t, i, st.Failures)
		assert.Equal(t, Fail, st.Verdicts[len(st.Verdicts)-1].Result)
	}
	r.tick(c, time.Minute) // the interval of the third failure acts on it
	st := r.status(c, "orders-api")
	assert.Equal(t, PhaseRolledBack, st.Phase)
	assert.Equal(t, routes.Percent(0), r.effective(c, "orders-api"))
	assert.True(t, st.Degraded())
	assert.Equal(t, "3 consecutive failed checks: error rate 5% > 1%", st.Reason)

	calls := r.shadow.callsBy("a")
	r.tick(c, time.Hour)
	assert.Equal(t, calls, r.shadow.callsBy("a"), "a rolled back rollout is not checked")
	hist, err := c.History(context.Background(), "orders-api", 1)
	require.NoError(t, err)
	require.Len(t, hist, 1)
	assert.Equal(t, "rollback 1%→0%", actions(hist)[0])
	assert.Equal(t, st.Reason, hist[0].Why)

	// Resume restarts from the start.
	st, err = c.Resume(context.Background(), "orders-api", By{Who: "bob"})
	require.NoError(t, err)
	assert.Equal(t, PhaseProgressing, st.Phase)
	assert.Equal(t, -1, st.Step)
}

func TestShadowMismatchAtZeroRollsBack(t *testing.T) {
	r := newRig(t)
	r.shadow.set("orders-api", figures{compared: 1000, matched: 971, requests: 1000})
	c, _ := r.controller("a")
	r.update(c, withFile("failures: 3}", "failures: 1}"))
	r.run(c)
	r.lead(c)
	r.tick(c, time.Minute)
	st := r.status(c, "orders-api")
	assert.Equal(t, PhaseRolledBack, st.Phase)
	assert.Equal(t, "1 consecutive failed checks: shadow match 97.1% < 99.5%", st.Reason)
	assert.Empty(t, r.prom.queries(), "at 0 % nothing is asked of Envoy")
}

func TestOnFailurePauseDegrades(t *testing.T) {
	r, c := started(t, withFile("on_failure: rollback", "on_failure: pause"))
	r.minutesUntil(c, "orders-api", 30, atPercent(100))
	r.prom.set("catalog", promCluster{requests: 900, has5xx: true, errorRate: 0.001, p99ms: 420})
	assert.Equal(t, 3, r.minutesUntil(c, "orders-api", 10, inPhase(PhaseDegraded)))
	st := r.status(c, "orders-api")
	assert.True(t, st.Degraded())
	assert.Equal(t, routes.Percent(100), st.Percent, "pause holds where it is")
	assert.Contains(t, st.Reason, "p99 420ms > 300ms")

	goodEnvoy(r)
	r.minutes(c, 30)
	assert.Equal(t, PhaseDegraded, r.status(c, "orders-api").Phase, "passing checks do not lift a degraded rollout")
	_, err := c.Resume(context.Background(), "orders-api", By{Who: "carol"})
	require.NoError(t, err)
	assert.Equal(t, 10, r.minutesUntil(c, "orders-api", 30, atPercent(500)), "resume holds the step afresh")
}

func TestInconclusiveHoldsTheStep(t *testing.T) {
	r := newRig(t)
	r.shadow.set("orders-api", figures{compared: 50, matched: 50, requests: 1000, p99: time.Millisecond})
	c, _ := r.controller("a")
	r.update(c, fileBase)
	r.run(c)
	r.lead(c)
	r.minutes(c, 45)
	st := r.status(c, "orders-api")
	assert.Equal(t, routes.Percent(0), st.Percent)
	assert.Equal(t, PhaseHolding, st.Phase)
	assert.Zero(t, st.Failures)
	assert.Equal(t, "hold done; waiting for a passing check: shadow: 50 compared < min_requests 100", st.Reason)

	r.shadow.set("orders-api", healthy)
	r.tick(c, time.Minute)
	assert.Equal(t, routes.Percent(100), r.effective(c, "orders-api"), "the first passing check after the hold promotes")

	// At 1 % Envoy has no series for the cluster yet: no data, not zero errors.
	r.minutes(c, 15)
	st = r.status(c, "orders-api")
	assert.Equal(t, routes.Percent(100), st.Percent)
	assert.Equal(t, Inconclusive, st.Verdicts[len(st.Verdicts)-1].Result)
	assert.Contains(t, st.Reason, "error rate: no requests < min_requests 100 (prometheus)")

	// A source that errs is inconclusive too.
	r.prom.set("catalog", promCluster{fail: 503})
	r.tick(c, time.Minute)
	st = r.status(c, "orders-api")
	assert.Equal(t, Inconclusive, st.Verdicts[len(st.Verdicts)-1].Result)
	assert.Zero(t, st.Failures)

	goodEnvoy(r)
	r.tick(c, time.Minute)
	assert.Equal(t, routes.Percent(500), r.effective(c, "orders-api"))
}

// Inconclusive checks neither count as failures nor reset the count.
func TestInconclusiveBetweenFailures(t *testing.T) {
	r := newRig(t)
	bad := figures{compared: 1000, matched: 900, requests: 1000}
	r.shadow.set("orders-api", bad)
	c, _ := r.controller("a")
	r.update(c, withFile("failures: 3}", "failures: 2}"))
	r.run(c)
	r.lead(c)
	r.tick(c, time.Minute)
	r.shadow.set("orders-api", figures{compared: 3, matched: 3, requests: 3})
	r.tick(c, time.Minute)
	st := r.status(c, "orders-api")
	assert.Equal(t, 1, st.Failures)
	assert.Equal(t, PhaseProgressing, st.Phase)
	r.shadow.set("orders-api", bad)
	r.tick(c, time.Minute)
	assert.Equal(t, PhaseRolledBack, r.status(c, "orders-api").Phase)
}

func TestRestartResumesAtTheSameStep(t *testing.T) {
	r := newRig(t)
	r.shadow.set("orders-api", healthy)
	goodEnvoy(r)
	a, _ := r.controller("a")
	r.update(a, fileBase)
	stopA := r.run(a)
	r.lead(a)
	r.minutesUntil(a, "orders-api", 30, atPercent(500))
	r.minutes(a, 4)
	before := r.status(a, "orders-api")
	stopA()

	b, _ := r.controller("b")
	r.update(b, fileBase)
	assert.Equal(t, routes.Percent(500), r.effective(b, "orders-api"), "served from the shared state before Run, never the file percent")
	select {
	case <-b.Changes():
		assert.Equal(t, routes.Percent(500), r.effective(b, "orders-api"))
	default:
	}
	r.run(b)
	r.lead(b)
	after := r.status(b, "orders-api")
	assert.Equal(t, before.Step, after.Step)
	assert.True(t, before.Since.Equal(after.Since), "the hold goes on from where it was")
	// 4 of 10 minutes were held before the restart.
	assert.Equal(t, 6, r.minutesUntil(b, "orders-api", 20, atPercent(2500)))
}

func TestOperatorPauseStopsTheHoldClock(t *testing.T) {
	r, c := started(t, fileBase)
	r.minutesUntil(c, "orders-api", 30, atPercent(100))
	r.minutes(c, 4)
	_, err := c.Pause(context.Background(), "orders-api", By{Who: "dave", Why: "marketing campaign today"})
	require.NoError(t, err)
	r.minutes(c, 60)
	st := r.status(c, "orders-api")
	assert.Equal(t, PhasePaused, st.Phase)
	assert.Equal(t, routes.Percent(100), st.Percent)
	assert.Equal(t, Duration(6*time.Minute), st.HoldLeft)
	_, err = c.Pause(context.Background(), "orders-api", By{Who: "dave"})
	assert.ErrorIs(t, err, ErrNotAllowed)

	_, err = c.Resume(context.Background(), "orders-api", By{Who: "dave"})
	require.NoError(t, err)
	assert.Equal(t, 6, r.minutesUntil(c, "orders-api", 20, atPercent(500)))
}

func TestAbortAndPromoteFull(t *testing.T) {
	r, c := started(t, fileBase)
	r.minutesUntil(c, "orders-api", 30, atPercent(500))
	ctx := context.Background()

	st, err := c.Abort(ctx, "orders-api", By{Who: "erin", Why: "checkout errors"})
	require.NoError(t, err)
	assert.Equal(t, PhaseAborted, st.Phase)
	assert.False(t, st.Degraded(), "an abort is an operator's decision, not a gate failure")
	assert.Equal(t, routes.Percent(0), r.effective(c, "orders-api"))
	r.minutes(c, 20)
	assert.Equal(t, routes.Percent(0), r.effective(c, "orders-api"))
	_, err = c.Promote(ctx, "orders-api", false, By{Who: "erin"})
	assert.ErrorIs(t, err, ErrNotAllowed)
	_, err = c.Abort(ctx, "orders-api", By{Who: "erin"})
	assert.ErrorIs(t, err, ErrNotAllowed)
	_, err = c.Promote(ctx, "nope", false, By{Who: "erin"})
	assert.ErrorIs(t, err, ErrUnknownRoute)
	_, err = c.Pause(ctx, "orders-api", By{})
	assert.ErrorContains(t, err, "who acts is required")

	st, err = c.Promote(ctx, "orders-api", true, By{Who: "erin"})
	assert.ErrorIs(t, err, ErrNotAllowed, "aborted: resume first")
	_, err = c.Resume(ctx, "orders-api", By{Who: "erin"})
	require.NoError(t, err)
	st, err = c.Promote(ctx, "orders-api", true, By{Who: "erin", Why: "fixed"})
	require.NoError(t, err)
	assert.Equal(t, PhaseCompleted, st.Phase)
	assert.Equal(t, routes.Full, r.effective(c, "orders-api"))

	hist, err := c.History(ctx, "orders-api", 4)
	require.NoError(t, err)
	assert.Equal(t, []string{"auto_promote 1%→5%", "abort 5%→0%", "resume 0%→0%", "promote_full 0%→100%"}, actions(hist))
	assert.Equal(t, "checkout errors", hist[2].Why)
}

func TestActionsRaceTheDriver(t *testing.T) {
	r, c := started(t, fileBase)
	// Writes that lose a compare-and-set retry on what is there: no update is lost.
	errs := make(chan error, 2)
	go func() { _, err := c.Pause(context.Background(), "orders-api", By{Who: "x"}); errs <- err }()
	go func() { _, err := c.Abort(context.Background(), "orders-api", By{Who: "y"}); errs <- err }()
	var failed []error
	for range 2 {
		if err := <-errs; err != nil {
			failed = append(failed, err)
		}
	}
	st := r.status(c, "orders-api")
	hist, err := c.History(context.Background(), "orders-api", 0)
	require.NoError(t, err)
	// Either order is valid: pause then abort (2 events), or abort then a refused pause.
	if len(failed) == 0 {
		assert.Equal(t, []string{"start 0%→0%", "pause 0%→0%", "abort 0%→0%"}, actions(hist))
	} else {
		require.Len(t, failed, 1)
		assert.True(t, errors.Is(failed[0], ErrNotAllowed))
		assert.Equal(t, []string{"start 0%→0%", "abort 0%→0%"}, actions(hist))
	}
	assert.Equal(t, PhaseAborted, st.Phase)
	assert.Equal(t, int64(len(hist)), st.Version)
}
