package rollout

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/routes"
)

func TestOnlyTheLeaseHolderDrives(t *testing.T) {
	r := newRig(t)
	r.shadow.set("orders-api", healthy)
	goodEnvoy(r)
	a, _ := r.controller("a")
	// b learns of changes by pub/sub alone: its periodic refresh is far off.
	b, _ := r.controller("b", func(o *Options) { o.Refresh = time.Hour })
	r.update(a, fileBase)
	r.update(b, fileBase)
	stopA, stopB := r.run(a), r.run(b)
	waitFor(t, "a leader", func() bool { return a.Leading() || b.Leading() })
	leader, follower, stopLeader := a, b, stopA
	if b.Leading() {
		leader, follower, stopLeader = b, a, stopB
	}
	r.settle(leader)
	name, err := follower.Leader(context.Background())
	require.NoError(t, err)
	assert.Equal(t, leader.owner, name)

	for m := range 25 {
		r.tick(leader, time.Minute)
		assert.False(t, a.Leading() && b.Leading(), "minute %d: both drive", m)
	}
	assert.Zero(t, r.shadow.callsBy(follower.owner), "the follower checked gates")
	assert.Positive(t, r.shadow.callsBy(leader.owner))
	want := r.effective(leader, "orders-api")
	assert.Equal(t, routes.Percent(500), want)
	waitFor(t, "the follower to serve the leader's percent", func() bool { return follower.Effective()["orders-api"] == want })
	select {
	case <-follower.Changes():
	default:
		t.Fatal("the follower's Changes did not fire")
	}

	// The leader stops: it releases the lease and the follower takes over
	// at once, from the same step.
	stopLeader()
	waitFor(t, "takeover", follower.Leading)
	r.settle(follower)
	// 25 minutes in: 5 of the 10 at 5 % were held under the old leader.
	assert.Equal(t, 5, r.minutesUntil(follower, "orders-api", 20, atPercent(2500)))
}

func TestLostLeaseStopsDriving(t *testing.T) {
	r, c := started(t, fileBase)
	r.tick(c, time.Minute)

	// Another replica holds the lease now (ours expired while we were stuck, say).
	ctx := context.Background()
	require.NoError(t, r.redis.Do(ctx, r.redis.B().Set().Key(leaseKey).Value("intruder/1").Xx().Build()).Error())
	waitFor(t, "the driver to stop", func() bool { return !c.Leading() })
	version := r.status(c, "orders-api").Version
	calls := r.shadow.callsBy("a")
	r.clock.Advance(30 * time.Minute)
	time.Sleep(200 * time.Millisecond) // time for a driver that should not exist to act
	assert.Equal(t, version, r.status(c, "orders-api").Version, "a replica without the lease wrote")
	assert.Equal(t, calls, r.shadow.callsBy("a"))
	name, err := c.Leader(ctx)
	require.NoError(t, err)
	assert.Equal(t, "intruder", name)

	// The lease freed, it is taken again and driving resumes.
	require.NoError(t, r.redis.Do(ctx, r.redis.B().Del().Key(leaseKey).Build()).Error())
	waitFor(t, "the lease again", c.Leading)
	r.settle(c)
	assert.Equal(t, routes.Percent(100), r.effective(c, "orders-api"), "30 minutes at the start passed the hold")
}

func TestHungRedisStopsTheDriverBeforeTheLeaseExpires(t *testing.T) {
	r := newRig(t)
	if !r.srv.Real() {
		t.Skip("needs a redis-server process to stop")
	}
	r.shadow.set("orders-api", healthy)
	c, _ := r.controller("a")
	r.update(c, fileBase)
	r.run(c)
	r.lead(c)
	r.srv.Pause()
	stopped := time.Now()
	waitFor(t, "the driver to give up", func() bool { return !c.Leading() })
	assert.Less(t, time.Since(stopped), c.leaseTTL, "it must stop before Redis could hand the lease to another replica")
	r.srv.Resume()
	waitFor(t, "the lease again", c.Leading)
}

// Redis restarted empty: the rollout starts again from its file percent
// (the safe side), and a replica that knew the old state follows too even
// though the new state's versions are lower than those it saw.
func TestRedisLosingItsData(t *testing.T) {
	r, a := started(t, fileBase)
	if !r.srv.Real() {
		t.Skip("needs a redis-server process to kill")
	}
	b, _ := r.controller("b")
	r.update(b, fileBase)
	r.run(b)
	r.minutesUntil(a, "orders-api", 30, atPercent(500))
	waitFor(t, "b to follow", func() bool { return b.Effective()["orders-api"] == 500 })

	r.srv.Kill()
	r.srv.Restart()
	// The old lease went with the data: someone takes a new one.
	waitFor(t, "a new lease", func() bool {
		name, err := a.Leader(context.Background())
		return err == nil && name != ""
	})
	leader := a
	waitFor(t, "the new leader to drive", func() bool { return a.Leading() || b.Leading() })
	if b.Leading() {
		leader = b
	}
	r.settle(leader)
	r.tick(leader, time.Minute) // the route's next check finds no state
	for _, c := range []*Controller{a, b} {
		waitFor(t, c.owner+" to serve the restarted rollout", func() bool { return c.Effective()["orders-api"] == 0 })
	}
	assert.Equal(t, []string{"start 0%→0%"}, r.history(leader, "orders-api", 0))
}
