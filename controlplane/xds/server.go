// Package xds serves strangler's Envoy configuration over xDS (ADS,
// state-of-the-world and delta): it turns controlplane.Resources into
// content-versioned snapshots, keeps serving the last good one when a new one
// is rejected, and tracks which version every Envoy ACKed or NACKed.
package xds

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	clusterservice "github.com/envoyproxy/go-control-plane/envoy/service/cluster/v3"
	discoverygrpc "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	endpointservice "github.com/envoyproxy/go-control-plane/envoy/service/endpoint/v3"
	listenerservice "github.com/envoyproxy/go-control-plane/envoy/service/listener/v3"
	routeservice "github.com/envoyproxy/go-control-plane/envoy/service/route/v3"
	"github.com/envoyproxy/go-control-plane/pkg/cache/v3"
	"github.com/envoyproxy/go-control-plane/pkg/server/sotw/v3"
	serverv3 "github.com/envoyproxy/go-control-plane/pkg/server/v3"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"

	"github.com/strangler-dev/strangler/controlplane"
)

// snapshotKey is the one cache entry every node reads: all Envoys in front of
// the monolith get the same configuration, whatever their node id.
const snapshotKey = "strangler"

type sameForAll struct{}

func (sameForAll) ID(*core.Node) string { return snapshotKey }

// Options configure a Server.
type Options struct {
	// Registerer receives the xDS metrics; nil leaves them unregistered.
	Registerer prometheus.Registerer
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

// ConfigError is a configuration the server refused to serve.
type ConfigError struct {
	Err error
	At  time.Time
}

// Server is strangler's xDS server.
type Server struct {
	cache   cache.SnapshotCache
	xds     serverv3.Server
	nodes   *nodeTable
	metrics *metrics
	log     *slog.Logger

	mu       sync.Mutex // serialises Update and guards the fields below
	versions map[string]string
	lastErr  *ConfigError
}

// NewServer builds a server whose streams end when ctx does.
func NewServer(ctx context.Context, opts Options) (*Server, error) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	m, err := newMetrics(opts.Registerer)
	if err != nil {
		return nil, err
	}
	nodes, err := newNodeTable(func(n int) { m.connected.Set(float64(n)) })
	if err != nil {
		return nil, err
	}
	// ADS mode holds EDS/RDS answers until Envoy names every resource the
	// snapshot has, which is what makes a consistent snapshot safe to push.
	snapshots := cache.NewSnapshotCache(true, sameForAll{}, cpLogger{log})
	return &Server{
		cache:   snapshots,
		nodes:   nodes,
		metrics: m,
		log:     log,
		// Ordered ADS sends each stream's responses in the cache's order
		// (CDS, EDS, LDS, RDS) so a route never arrives before its cluster.
		xds: serverv3.NewServer(ctx, snapshots, newTracker(nodes, m, log).callbacks(),
			sotw.WithOrderedADS(), sotw.WithLogger(cpLogger{log})),
	}, nil
}

// Register adds ADS and the per-type discovery services to g, for Envoys
// configured with or without ADS.
func (s *Server) Register(g *grpc.Server) {
	discoverygrpc.RegisterAggregatedDiscoveryServiceServer(g, s.xds)
	clusterservice.RegisterClusterDiscoveryServiceServer(g, s.xds)
	endpointservice.RegisterEndpointDiscoveryServiceServer(g, s.xds)
	listenerservice.RegisterListenerDiscoveryServiceServer(g, s.xds)
	routeservice.RegisterRouteDiscoveryServiceServer(g, s.xds)
}

// Update serves res to every Envoy. If res is rejected the last good
// snapshot stays in place, the error is kept for LastError until a later
// Update succeeds, and it is returned.
func (s *Server) Update(ctx context.Context, res *controlplane.Resources) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	snap, err := NewSnapshot(res)
	s.metrics.buildSeconds.Observe(time.Since(start).Seconds())
	if err != nil {
		s.lastErr = &ConfigError{Err: err, At: time.Now()}
		s.metrics.rejected()
		if s.versions == nil {
			return fmt.Errorf("config rejected, nothing served yet: %w", err)
		}
		return fmt.Errorf("config rejected, still serving the previous snapshot: %w", err)
	}
	versions := make(map[string]string, len(served))
	for _, k := range served {
		versions[k.url] = snap.GetVersion(k.url)
	}
	// SetSnapshot stores the snapshot before answering watches, so even when
	// ctx ends mid-answer the new snapshot is the one served from now on.
	setErr := s.cache.SetSnapshot(ctx, snapshotKey, snap)
	s.versions, s.lastErr = versions, nil
	s.metrics.served(versions)
	if setErr != nil {
		return fmt.Errorf("snapshot stored, but answering waiting Envoys failed: %w", setErr)
	}
	return nil
}

// Ready reports whether a good snapshot has been served.
func (s *Server) Ready() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.versions != nil
}

// Versions returns the version served per type URL; empty before Ready.
func (s *Server) Versions() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.versions)
}

// LastError returns the last rejected configuration, or nil when the latest
// Update was served.
func (s *Server) LastError() *ConfigError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lastErr == nil {
		return nil
	}
	e := *s.lastErr
	return &e
}

// Nodes returns every Envoy seen since start, connected or not, by node id.
func (s *Server) Nodes() []Node {
	nodes, _ := s.nodes.all()
	return nodes
}

// Node returns one Envoy by node id.
func (s *Server) Node(id string) (Node, bool) { return s.nodes.get(id) }

// WaitFor blocks until cond holds for the current nodes, or ctx ends.
func (s *Server) WaitFor(ctx context.Context, cond func([]Node) bool) error {
	return s.nodes.waitFor(ctx, cond)
}

// Reject records a configuration refused before it became Resources (a route
// file that failed to load or translate): it is reported exactly like a
// snapshot that failed validation, and the last good snapshot keeps serving.
func (s *Server) Reject(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastErr = &ConfigError{Err: err, At: time.Now()}
	s.metrics.rejected()
}
