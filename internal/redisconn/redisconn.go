// Package redisconn opens the Redis that the route file's `redis` setting
// names: one server, a Redis Cluster, or, when neither is given, an embedded
// Redis-compatible server in this process so `make run` needs nothing
// installed.
package redisconn

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/redis/rueidis"
)

// Config is the route file's `redis` setting.
type Config struct {
	Address string   // redis://host:port/db (rediss:// for TLS)
	Cluster []string // host:port seeds of a Redis Cluster
}

// dialTimeout bounds connecting; each rate limit decision has its own,
// much shorter, deadline on top.
const dialTimeout = time.Second

// Open connects as cfg says and returns the client and a function that
// releases it (and stops the embedded server, if any).
//
// A single server that is down at start is not an error: the client
// connects once it is up, and until then the rate limit service applies
// its on_redis_error policy. An unreachable cluster is an error, because
// the client cannot learn the slot map.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (rueidis.Client, func(), error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	switch {
	case cfg.Address != "" && len(cfg.Cluster) > 0:
		return nil, nil, errors.New("redis: set address or cluster, not both")
	case cfg.Address != "":
		return openAddress(ctx, cfg.Address, log)
	case len(cfg.Cluster) > 0:
		return openCluster(ctx, cfg.Cluster, log)
	}
	return openEmbedded(ctx, log)
}

func baseOptions() rueidis.ClientOption {
	return rueidis.ClientOption{
		DisableCache: true, // no client-side caching: every key is written on each decision
		Dialer:       net.Dialer{Timeout: dialTimeout},
	}
}

func openAddress(ctx context.Context, addr string, log *slog.Logger) (rueidis.Client, func(), error) {
	if !strings.HasPrefix(addr, "redis://") && !strings.HasPrefix(addr, "rediss://") {
		return nil, nil, fmt.Errorf("redis address %q: want redis://host:port/db", addr)
	}
	opt, err := rueidis.ParseURL(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("redis address %q: %w", addr, err)
	}
	base := baseOptions()
	opt.DisableCache, opt.Dialer.Timeout = base.DisableCache, base.Dialer.Timeout
	opt.ForceSingleClient = true // no cluster probing, and a client even while the server is down
	c, err := rueidis.NewClient(opt)
	if c == nil {
		return nil, nil, fmt.Errorf("redis %s: %w", redacted(addr), err)
	}
	if err == nil {
		err = ping(ctx, c)
	}
	if err != nil {
		log.Warn("redis not reachable yet; rate limits use their on_redis_error policy until it is", "address", redacted(addr), "err", err)
	} else {
		log.Info("redis connected", "address", redacted(addr))
	}
	return c, c.Close, nil
}

func openCluster(ctx context.Context, seeds []string, log *slog.Logger) (rueidis.Client, func(), error) {
	opt := baseOptions()
	opt.InitAddress, opt.ShuffleInit = seeds, true
	c, err := rueidis.NewClient(opt)
	if err != nil {
		return nil, nil, fmt.Errorf("redis cluster %v: %w", seeds, err)
	}
	if c.Mode() != rueidis.ClientModeCluster {
		c.Close()
		return nil, nil, fmt.Errorf("redis cluster %v: the servers are not a Redis Cluster (cluster-enabled no)", seeds)
	}
	if err := ping(ctx, c); err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("redis cluster %v: %w", seeds, err)
	}
	log.Info("redis cluster connected", "seeds", seeds, "nodes", len(c.Nodes()))
	return c, c.Close, nil
}

func ping(ctx context.Context, c rueidis.Client) error {
	ctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	return c.Do(ctx, c.B().Ping().Build()).Error()
}

// redacted drops a password from a redis:// URL for logs.
func redacted(addr string) string {
	scheme, rest, ok := strings.Cut(addr, "://")
	if !ok {
		return addr
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		return scheme + "://***@" + rest[at+1:]
	}
	return addr
}
