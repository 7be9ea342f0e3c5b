package cache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/rueidis"
	"google.golang.org/grpc"
)

// Service is the cache: an ext_proc server, a purge endpoint and the
// Redis-backed store behind both.
type Service struct {
	extprocv3.UnimplementedExternalProcessorServer

	client  rueidis.Client
	store   *store
	local   *localCache
	events  *events
	flights *flights
	log     *slog.Logger
	m       *metrics

	mu    sync.Mutex // serialises Update
	table atomic.Pointer[table]

	stop context.CancelFunc
	done chan struct{}
}

// New builds the service and starts its events subscription; reg may be
// nil (no metrics exported). Close stops it; the client stays the
// caller's.
func New(cfg Config, client rueidis.Client, reg prometheus.Registerer, log *slog.Logger) (*Service, error) {
	if client == nil {
		return nil, errors.New("cache service: no Redis client")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	s := &Service{client: client, store: &store{c: client, m: m}, local: newLocalCache(),
		flights: newFlights(), log: log, m: m, done: make(chan struct{})}
	s.events = newEvents(client, s.local, log)
	if err := s.Update(cfg); err != nil {
		return nil, err
	}
	ctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	go func() {
		defer close(s.done)
		s.events.run(ctx)
	}()
	return s, nil
}

// Close stops the events subscription. Streams in flight finish.
func (s *Service) Close() {
	s.stop()
	<-s.done
}

// Update swaps in a new config; streams already running finish with the
// one they started with. An invalid config is refused and the old one
// stays.
func (s *Service) Update(cfg Config) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := compile(cfg, s.m)
	if err != nil {
		return fmt.Errorf("cache config: %w", err)
	}
	s.table.Store(t)
	s.local.setLimit(t.localBytes)
	s.log.Info("cache config applied", "routes", len(t.routes), "lock_ttl", t.lockTTL, "lock_wait", t.lockWait,
		"redis_timeout", t.redisTimeout, "hold_timeout", t.holdTimeout, "local_cache_bytes", max(t.localBytes, 0))
	return nil
}

// Register adds the ext_proc service to a gRPC server.
func (s *Service) Register(srv *grpc.Server) { extprocv3.RegisterExternalProcessorServer(srv, s) }

// lookup finds the entry for h: the local copy, else Redis. A corrupt
// entry or one stored under another key (a hash collision) is a miss.
func (s *Service) lookup(ctx context.Context, timeout time.Duration, h, key string, now time.Time) (*entry, error) {
	if e := s.local.get(h, now); e != nil && e.key == key {
		s.m.localHits.Inc()
		return e, nil
	}
	gen := s.local.generation()
	b, err := s.store.get(ctx, timeout, h)
	if err != nil || b == nil {
		return nil, err
	}
	e, err := decodeEntry(b)
	if err != nil {
		s.log.Warn("cache entry unreadable; treated as a miss", "key", h, "err", err)
		return nil, nil
	}
	if e.key != key {
		return nil, nil
	}
	e.prepare()
	s.local.put(h, e, gen, now)
	return e, nil
}
