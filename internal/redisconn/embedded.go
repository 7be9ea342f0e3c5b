package redisconn

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/rueidis"
)

// expiryTick is how often the embedded server's clock for TTLs moves.
// miniredis only expires keys when told time has passed.
const expiryTick = 250 * time.Millisecond

// openEmbedded runs miniredis on a loopback port. It runs Lua (gopher-lua)
// and answers TIME from the real clock, which is all the rate limit script
// needs; it is one process's memory, so limits are per strangler instance.
func openEmbedded(ctx context.Context, log *slog.Logger) (rueidis.Client, func(), error) {
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return nil, nil, fmt.Errorf("embedded redis: %w", err)
	}
	stop := make(chan struct{})
	go advance(m, stop)
	opt := baseOptions()
	opt.InitAddress, opt.ForceSingleClient = []string{m.Addr()}, true
	// miniredis does not mix RESP3 pushes with commands on one connection;
	// with RESP2, rueidis gives subscriptions a connection of their own.
	opt.AlwaysRESP2 = true
	c, err := rueidis.NewClient(opt)
	if err != nil {
		close(stop)
		m.Close()
		return nil, nil, fmt.Errorf("embedded redis at %s: %w", m.Addr(), err)
	}
	if err := ping(ctx, c); err != nil {
		c.Close()
		close(stop)
		m.Close()
		return nil, nil, fmt.Errorf("embedded redis at %s: %w", m.Addr(), err)
	}
	log.Info("no redis configured: started an embedded Redis-compatible server (miniredis); rate limits are local to this process",
		"address", m.Addr())
	return c, func() {
		c.Close()
		close(stop)
		m.Close()
	}, nil
}

// advance lets TTLs run out in real time, so idle rate limit keys go away.
func advance(m *miniredis.Miniredis, stop <-chan struct{}) {
	t := time.NewTicker(expiryTick)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			m.FastForward(now.Sub(last))
			last = now
		}
	}
}
