package rollout

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"time"

	"github.com/redis/rueidis"
)

// The lease is a Redis key holding "<owner>/<nonce>" with a TTL: SET NX PX
// to take it, a script to renew or release it only while it is still ours
// (a nonce per process, so a restarted replica with the same owner name
// does not mistake its predecessor's lease for its own).
var (
	renewScript = rueidis.NewLuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`)
	releaseScript = rueidis.NewLuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)
)

// leading reports whether this replica surely still holds the lease: its
// last renewal, plus the TTL less a margin, has not passed. Real time, as
// Redis expires the key in real time.
func (c *Controller) leading() bool {
	until := c.leaseUntil.Load()
	return until != 0 && time.Now().UnixNano() < until
}

// Leading reports whether this replica drives rollouts now.
func (c *Controller) Leading() bool { return c.leading() }

// Leader names the replica holding the lease ("" when none does).
func (c *Controller) Leader(ctx context.Context) (string, error) {
	v, err := c.redis.Do(ctx, c.redis.B().Get().Key(leaseKey).Build()).ToString()
	if rueidis.IsRedisNil(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("rollout lease: %w", err)
	}
	owner, _, _ := strings.Cut(v, "/")
	return owner, nil
}

// lead takes the lease whenever it is free and drives while it holds it.
func (c *Controller) lead(ctx context.Context) {
	token := c.owner + "/" + rand.Text()
	every := c.leaseTTL / 3
	defer c.release(token)
	for {
		start := time.Now()
		actx, cancel := context.WithTimeout(ctx, every)
		err := c.redis.Do(actx, c.redis.B().Set().Key(leaseKey).Value(token).Nx().Px(c.leaseTTL).Build()).Error()
		cancel()
		switch {
		case err == nil:
			c.hold(ctx, token, start)
		case !rueidis.IsRedisNil(err) && ctx.Err() == nil:
			c.log.Warn("rollout lease: cannot reach redis", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

// hold drives rollouts while renewing the lease; it returns, with the
// driver stopped, when ctx ends or the lease is lost. Lost means Redis says
// it is someone else's, or no renewal got through while a third of the TTL
// was left: better to stop early than to drive next to a new leader.
func (c *Controller) hold(ctx context.Context, token string, acquired time.Time) {
	every := c.leaseTTL / 3
	c.leaseUntil.Store(acquired.Add(c.leaseTTL - every).UnixNano())
	dctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.drive(dctx)
	}()
	c.metrics.leader.Set(1)
	c.log.Info("rollout lease taken: this replica drives rollouts")
	defer func() {
		c.leaseUntil.Store(0)
		stop()
		<-done
		c.metrics.leader.Set(0)
	}()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		start := time.Now()
		rctx, cancel := context.WithTimeout(ctx, every)
		n, err := renewScript.Exec(rctx, c.redis, []string{leaseKey}, []string{token, fmt.Sprint(c.leaseTTL.Milliseconds())}).AsInt64()
		cancel()
		switch {
		case err == nil && n == 1:
			c.leaseUntil.Store(start.Add(c.leaseTTL - every).UnixNano())
		case err == nil:
			c.leaseUntil.Store(0)
			c.log.Warn("rollout lease lost to another replica; stopped driving")
			return
		case !c.leading():
			c.leaseUntil.Store(0)
			c.log.Warn("rollout lease could not be renewed in time; stopped driving", "error", err)
			return
		}
		if !c.leading() {
			c.log.Warn("rollout lease renewal came too late; stopped driving")
			return
		}
	}
}

func (c *Controller) release(token string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := releaseScript.Exec(ctx, c.redis, []string{leaseKey}, []string{token}).Error(); err != nil {
		c.log.Warn("rollout lease not released; another replica takes over when it expires", "error", err)
	}
}
