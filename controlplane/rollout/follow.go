package rollout

import (
	"context"
	"time"

	"github.com/redis/rueidis"
)

// follow keeps this replica's view of the shared state fresh: at once on a
// change notice (pub/sub), and every refresh interval for notices lost while
// the subscription was down (pub/sub delivers at most once).
func (c *Controller) follow(ctx context.Context) {
	go c.subscribe(ctx)
	t := time.NewTicker(c.refresh)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case route := <-c.reloads:
			if _, ok := c.plan(route); !ok {
				continue
			}
			if s, err := c.store.load(ctx, route); err == nil {
				c.absorbOne(route, s)
			}
		case <-t.C:
			c.reloadAll(ctx)
		}
	}
}

func (c *Controller) reloadAll(ctx context.Context) {
	all, err := c.store.loadMany(ctx, c.planNames())
	if err != nil {
		if ctx.Err() == nil {
			c.log.Warn("rollout state not refreshed", "error", err)
		}
		return
	}
	c.absorb(all)
}

func (c *Controller) subscribe(ctx context.Context) {
	for {
		err := c.redis.Receive(ctx, c.redis.B().Subscribe().Channel(changesChannel).Build(), func(m rueidis.PubSubMessage) {
			select {
			case c.reloads <- m.Message:
			default: // full: the next refresh reads everything
			}
		})
		if ctx.Err() != nil {
			return
		}
		c.log.Warn("rollout change notices interrupted; resubscribing", "error", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

// Run follows the shared state and, while this replica holds the lease,
// drives the rollouts. It returns when ctx ends, releasing the lease.
func (c *Controller) Run(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.follow(ctx)
	}()
	c.lead(ctx)
	<-done
	return nil
}
