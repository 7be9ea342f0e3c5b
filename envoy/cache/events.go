package cache

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/rueidis"
)

// Events on the channel: one letter, then the hashed key if any.
const (
	eventFill  = "f" // an entry (or hit-for-miss marker) was written for <h>
	eventAbort = "a" // the fill of <h> ended without writing anything
	eventFlush = "x" // a purge deleted entries: drop every local copy
)

// resubscribeEvery paces attempts to get the subscription back.
const resubscribeEvery = 100 * time.Millisecond

// events carries fills and purges between instances over Redis pub/sub:
// it wakes requests waiting on another instance's fill and keeps the
// local cache honest. Pub/sub delivers at most once, so waiters also poll,
// and the local cache is emptied whenever the subscription (re)starts.
type events struct {
	c     rueidis.Client
	local *localCache
	log   *slog.Logger

	mu      sync.Mutex
	waiters map[string][]chan struct{}
}

func newEvents(c rueidis.Client, local *localCache, log *slog.Logger) *events {
	return &events{c: c, local: local, log: log, waiters: map[string][]chan struct{}{}}
}

// run keeps the subscription up until ctx ends. It holds a dedicated
// connection: a shared client's Receive neither returns nor resubscribes
// when Redis restarts (measured with rueidis 1.0.79), whereas a dedicated
// connection's hooks report the disconnect.
func (ev *events) run(ctx context.Context) {
	for {
		err := ev.subscribe(ctx)
		ev.local.subscribed(false)
		if ctx.Err() != nil {
			return
		}
		ev.log.Warn("cache events subscription lost; local copies off until it is back", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(resubscribeEvery):
		}
	}
}

// subscribe runs one subscription until its connection breaks or ctx ends.
func (ev *events) subscribe(ctx context.Context) error {
	dc, release := ev.c.Dedicate()
	defer release()
	broken := dc.SetPubSubHooks(rueidis.PubSubHooks{
		OnMessage: func(m rueidis.PubSubMessage) { ev.handle(m.Message) },
		OnSubscription: func(s rueidis.PubSubSubscription) {
			if s.Kind == "subscribe" {
				ev.local.subscribed(true)
			}
		},
	})
	if err := dc.Do(ctx, dc.B().Subscribe().Channel(eventsChannel).Build()).Error(); err != nil {
		return err
	}
	select {
	case err := <-broken:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (ev *events) handle(msg string) {
	if msg == "" {
		return
	}
	kind, h := msg[:1], msg[1:]
	switch kind {
	case eventFill:
		ev.local.drop(h)
		ev.wake(h)
	case eventAbort:
		ev.wake(h)
	case eventFlush:
		ev.local.flush()
	}
}

// watch returns a channel closed at the next fill or abort event for h,
// and a function to stop watching.
func (ev *events) watch(h string) (<-chan struct{}, func()) {
	ch := make(chan struct{})
	ev.mu.Lock()
	ev.waiters[h] = append(ev.waiters[h], ch)
	ev.mu.Unlock()
	return ch, func() {
		ev.mu.Lock()
		defer ev.mu.Unlock()
		list := ev.waiters[h]
		for i, c := range list {
			if c == ch {
				list = append(list[:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(ev.waiters, h)
		} else {
			ev.waiters[h] = list
		}
	}
}

func (ev *events) wake(h string) {
	ev.mu.Lock()
	list := ev.waiters[h]
	delete(ev.waiters, h)
	ev.mu.Unlock()
	for _, ch := range list {
		close(ch)
	}
}

// publish announces an event, trying twice: the first command after a
// Redis restart fails on the dead connection. A lost event costs a
// waiter its poll interval, or leaves a purged local copy up to
// localMaxAge, so errors are logged, not returned.
func (ev *events) publish(ctx context.Context, msg string) {
	var err error
	for range 2 {
		if err = ev.c.Do(ctx, ev.c.B().Publish().Channel(eventsChannel).Message(msg).Build()).Error(); err == nil {
			return
		}
	}
	ev.log.Warn("cache event not published", "event", msg, "err", err)
}
