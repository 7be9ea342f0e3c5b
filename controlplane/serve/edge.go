package serve

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/rueidis"

	"github.com/strangler-dev/strangler/internal/redisconn"
	"github.com/strangler-dev/strangler/routes"
)

// edgeService is one of the services Envoy calls (rate limit, cache, shadow
// receiver), run by this process beside the control plane or alone.
type edgeService interface {
	update(f *routes.File) error
	serve(ctx context.Context, l net.Listener) error
	close()
}

// edgeKind describes how to run one kind of edge service.
type edgeKind struct {
	name   string
	listen func(f *routes.File) (routes.Address, bool) // false: the file does not use it
	start  func(ctx context.Context, f *routes.File, redis rueidis.Client, reg prometheus.Registerer, log *slog.Logger) (edgeService, error)
}

// edgeKinds are all the edge services, in start order.
var edgeKinds []edgeKind

// EdgeNames lists the edge services strangler can run.
func EdgeNames() []string {
	out := make([]string, 0, len(edgeKinds))
	for _, k := range edgeKinds {
		out = append(out, k.name)
	}
	return out
}

type runningEdge struct {
	svc    edgeService
	listen routes.Address
	done   chan struct{}
}

// edges runs the wanted edge services as accepted route files configure
// them: started when a file first configures one, updated on every later
// file. They share one Redis client, opened when the first one starts.
type edges struct {
	ctx      context.Context
	want     map[string]bool // nil: every kind
	reg      prometheus.Registerer
	log      *slog.Logger
	redisC   rueidis.Client
	closeR   func()
	redisCfg string

	mu      sync.Mutex
	running map[string]*runningEdge
	addrs   map[string]net.Addr
}

func newEdges(ctx context.Context, want []string, reg prometheus.Registerer, log *slog.Logger) (*edges, error) {
	e := &edges{ctx: ctx, reg: reg, log: log, running: map[string]*runningEdge{}, addrs: map[string]net.Addr{}}
	if want != nil {
		e.want = map[string]bool{}
		for _, w := range want {
			if !slices.Contains(EdgeNames(), w) {
				return nil, fmt.Errorf("no edge service %q (have %v)", w, EdgeNames())
			}
			e.want[w] = true
		}
	}
	return e, nil
}

// apply brings the edge services in line with an accepted file.
func (e *edges) apply(f *routes.File) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	var errs []error
	for _, k := range edgeKinds {
		if e.want != nil && !e.want[k.name] {
			continue
		}
		addr, used := k.listen(f)
		if r := e.running[k.name]; r != nil {
			if used && addr != r.listen {
				e.log.Warn("edge service listen address changed; restart to apply", "service", k.name, "serving", r.listen.String(), "file", addr.String())
			}
			if err := r.svc.update(f); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", k.name, err))
			}
			continue
		}
		if !used {
			continue
		}
		if err := e.start(k, f, addr); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", k.name, err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("edge services: %v", errs)
	}
	return nil
}

// needsRedis: edge services, shadow reports and rollouts keep their state
// in Redis.
func needsRedis(f *routes.File) bool {
	if f.RateLimit != nil || f.CacheService != nil || f.ShadowService != nil {
		return true
	}
	for _, r := range f.Routes {
		if r.Rollout != nil {
			return true
		}
	}
	return false
}

// redisFor opens the file's Redis the first time a file needs one; later
// changes to the redis setting need a restart (logged).
func (e *edges) redisFor(f *routes.File) (rueidis.Client, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.redisLocked(f)
}

func (e *edges) redisLocked(f *routes.File) (rueidis.Client, error) {
	if e.redisC == nil {
		c, closeFn, err := redisconn.Open(e.ctx, redisconn.Config{Address: f.Redis.URL, Cluster: f.Redis.Cluster}, e.log)
		if err != nil {
			return nil, err
		}
		e.redisC, e.closeR, e.redisCfg = c, closeFn, f.Redis.URL+strings.Join(f.Redis.Cluster, ",")
	} else if cfg := f.Redis.URL + strings.Join(f.Redis.Cluster, ","); cfg != e.redisCfg {
		e.log.Warn("the redis setting changed; restart to apply")
	}
	return e.redisC, nil
}

func (e *edges) start(k edgeKind, f *routes.File, addr routes.Address) error {
	redis, err := e.redisLocked(f)
	if err != nil {
		return err
	}
	svc, err := k.start(e.ctx, f, redis, e.reg, e.log.With("service", k.name))
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", addr.String())
	if err != nil {
		svc.close()
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	r := &runningEdge{svc: svc, listen: addr, done: make(chan struct{})}
	e.running[k.name], e.addrs[k.name] = r, l.Addr()
	go func() {
		defer close(r.done)
		if err := svc.serve(e.ctx, l); err != nil {
			e.log.Error("edge service stopped", "service", k.name, "error", err)
		}
	}()
	e.log.Info("edge service up", "service", k.name, "listen", l.Addr().String())
	return nil
}

// Addr is where a running edge service listens (tests bind to port 0).
func (e *edges) Addr(name string) (net.Addr, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, ok := e.addrs[name]
	return a, ok
}

// stop waits for the services (ctx has ended) and releases Redis.
func (e *edges) stop() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, r := range e.running {
		<-r.done
		r.svc.close()
	}
	if e.closeR != nil {
		e.closeR()
	}
}
