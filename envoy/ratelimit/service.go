package ratelimit

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	rlsv3 "github.com/envoyproxy/go-control-plane/envoy/service/ratelimit/v3"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
)

// Service answers Envoy's envoy.service.ratelimit.v3.RateLimitService.
type Service struct {
	rlsv3.UnimplementedRateLimitServiceServer

	redis Redis
	log   *slog.Logger
	m     *metrics
	brk   breaker
	batch *batcher // nil on Redis Cluster

	mu    sync.Mutex // serialises Update
	table atomic.Pointer[table]
	pool  sync.Pool // *decision
}

// New builds the service; reg may be nil (no metrics exported).
func New(cfg Config, client Redis, reg prometheus.Registerer, log *slog.Logger) (*Service, error) {
	if client == nil {
		return nil, errors.New("rate limit service: no Redis client")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	s := &Service{redis: client, log: log, m: m}
	s.brk.state = m.breaker
	s.pool.New = func() any { return newDecision() }
	if err := s.Update(cfg); err != nil {
		return nil, err
	}
	if client.CrossSlot() {
		s.batch = newBatcher(s)
	}
	return s, nil
}

// Close stops the batching workers; decisions still waiting get the
// OnRedisError policy. The Redis client is the caller's to close.
func (s *Service) Close() {
	if s.batch != nil {
		s.batch.close()
	}
}

// Update swaps in a new config atomically; decisions in flight finish with
// the old one. An invalid config is refused and the old one stays.
func (s *Service) Update(cfg Config) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := compile(cfg, s.m)
	if err != nil {
		return fmt.Errorf("rate limit config: %w", err)
	}
	if old := s.table.Swap(t); old != nil {
		for id := range old.limits {
			if _, kept := t.limits[id]; !kept {
				s.m.forget(id)
			}
		}
	}
	s.log.Info("rate limit config applied", "domain", t.cfg.Domain, "limits", len(t.limits),
		"on_redis_error", t.cfg.OnRedisError, "redis_timeout", t.cfg.RedisTimeout)
	return nil
}

// Register adds the service to a gRPC server.
func (s *Service) Register(srv *grpc.Server) { rlsv3.RegisterRateLimitServiceServer(srv, s) }
