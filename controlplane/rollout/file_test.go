package rollout

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/routes"
)

func (r *rig) history(c *Controller, route string, n int) []string {
	r.t.Helper()
	h, err := c.History(context.Background(), route, n)
	require.NoError(r.t, err)
	return actions(h)
}

func TestFileEditsDuringARollout(t *testing.T) {
	r, c := started(t, fileBase)
	r.minutesUntil(c, "orders-api", 30, atPercent(500))

	// A new plan keeps the effective percent and aims at its first step above it.
	newPlan := withFile("steps: [1, 5, 25, pause, 50, 100]", "steps: [2, 10, 50, 100]")
	r.update(c, newPlan)
	r.settle(c)
	st := r.status(c, "orders-api")
	assert.Equal(t, routes.Percent(500), st.Percent)
	assert.Equal(t, 0, st.Step, "at or past the new plan's 2 %")
	assert.Equal(t, 10, r.minutesUntil(c, "orders-api", 20, atPercent(1000)))
	assert.Equal(t, []string{"plan_change 5%→5%", "auto_promote 5%→10%"}, r.history(c, "orders-api", 2))

	// Raising the file percent above the effective one moves the rollout there.
	raised := strings.Replace(withFile("steps: [1, 5, 25, pause, 50, 100]", "steps: [25, pause, 50, 100]"), "percent: 0\n", "percent: 20\n", 1)
	r.update(c, raised)
	r.settle(c)
	assert.Equal(t, routes.Percent(2000), r.effective(c, "orders-api"))
	assert.Equal(t, []string{"plan_change 10%→10%", "file_change 10%→20%"}, r.history(c, "orders-api", 2))
	st = r.status(c, "orders-api")
	assert.Equal(t, routes.Percent(2000), st.FilePercent)
	assert.Equal(t, Duration(10*time.Minute), st.HoldLeft, "a fresh hold at the new percent")

	// Lowering it moves nothing: the file percent is only where a rollout starts.
	lowered := strings.Replace(raised, "percent: 20\n", "percent: 15\n", 1)
	r.update(c, lowered)
	assert.Equal(t, routes.Percent(2000), r.effective(c, "orders-api"))
	h, err := c.History(context.Background(), "orders-api", 1)
	require.NoError(t, err)
	assert.Equal(t, "file_change 20%→20%", actions(h)[0])
	assert.Contains(t, h[0].Why, "file percent 20% → 15%; the effective percent stays 20%")
}

func TestRolloutLeavingTheFile(t *testing.T) {
	r, c := started(t, fileBase)
	r.minutesUntil(c, "orders-api", 30, atPercent(100))

	without := withFile(`    rollout:
      steps: [1, 5, 25, pause, 50, 100]
      hold: 10m
      gates: {interval: 1m, shadow_match: 99.5%, error_rate: 1%, p99_latency: 300ms, min_requests: 100, failures: 3}
      on_failure: rollback
`, "")
	without = strings.Replace(without, "    percent: 0\n", "    percent: 3\n", 1)
	r.update(c, without)
	assert.Empty(t, c.Effective(), "the route follows its file percent again")
	assert.Zero(t, testutil.CollectAndCount(c.metrics.phase), "no phase series for a route without a rollout")
	assert.Equal(t, 3.0, testutil.ToFloat64(c.metrics.percent.WithLabelValues("orders-api")))
	_, err := c.Status(context.Background(), "orders-api")
	assert.ErrorIs(t, err, ErrUnknownRoute)
	h, err := c.History(context.Background(), "orders-api", 1)
	require.NoError(t, err)
	assert.Equal(t, "removed 1%→3%", actions(h)[0])
	assert.Contains(t, h[0].Why, "follows its file percent 3%")

	// Back in the file, it starts afresh from the file percent.
	r.update(c, fileBase)
	assert.Equal(t, routes.Percent(0), r.effective(c, "orders-api"))
	assert.Equal(t, []string{"start 0%→0%"}, r.history(c, "orders-api", 1))
	assert.Equal(t, -1, r.status(c, "orders-api").Step)
}

// Every replica accepts the same file; each change is recorded once.
func TestFileChangesRecordedOnce(t *testing.T) {
	r := newRig(t)
	a, _ := r.controller("a")
	b, _ := r.controller("b")
	for _, c := range []*Controller{a, b} {
		r.update(c, fileBase)
	}
	assert.Equal(t, []string{"file_change 10%→10%"}, r.history(a, "catalog-read", 0))
	assert.Equal(t, []string{"start 0%→0%"}, r.history(a, "orders-api", 0))

	edited := strings.Replace(fileBase, "    percent: 10\n", "    percent: 30\n", 1)
	for _, c := range []*Controller{b, a} {
		require.NoError(t, c.Update(context.Background(), parseFile(t, edited), "git:abc123 (frank)"))
	}
	h, err := a.History(context.Background(), "catalog-read", 0)
	require.NoError(t, err)
	assert.Equal(t, []string{"file_change 10%→10%", "file_change 10%→30%"}, actions(h))
	assert.Equal(t, "git:abc123 (frank)", h[0].Who)

	// A route that leaves the file ends its rollout once, too.
	i := strings.Index(edited, "  - name: orders-api")
	j := strings.Index(edited, "  - name: catalog-read")
	noOrders := edited[:i] + edited[j:]
	for _, c := range []*Controller{a, b} {
		require.NoError(t, c.Update(context.Background(), parseFile(t, noOrders), "file"))
	}
	assert.Equal(t, []string{"start 0%→0%", "removed 0%→0%"}, r.history(a, "orders-api", 0))
	assert.Empty(t, b.Effective())
}
