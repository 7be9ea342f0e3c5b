package edge

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// upstream is a cluster at run time: its hosts, round robin, the HTTP
// transport, health checks and outlier detection. An aggregate cluster has
// none of these; its clusters are found by name in the view.
type upstream struct {
	spec *clusterSpec
	log  *slog.Logger

	hosts atomic.Pointer[[]*host]
	rr    atomic.Uint64
	// used flips on the first request: health checks run at
	// no_traffic_interval until then (HealthCheck.no_traffic_interval).
	used atomic.Bool

	dialer    *net.Dialer
	transport *http.Transport
	grpc      *grpcConns

	ctx    context.Context
	cancel context.CancelFunc

	mu         sync.Mutex
	discovered bool // endpoints known (EDS arrived, DNS resolved once)
	checks     map[string]context.CancelFunc
	warm       chan struct{}
	warmOnce   sync.Once
	onWarm     func()
	// inherited are the hosts of the cluster this one replaced: a host that
	// keeps its address keeps its health.
	inherited map[string]*host
}

// newUpstream starts a cluster. old, when set, is the cluster of the same
// name it replaces.
func newUpstream(spec *clusterSpec, log *slog.Logger, onWarm func(), old *upstream) *upstream {
	ctx, cancel := context.WithCancel(context.Background())
	u := &upstream{
		spec: spec, log: log.With("cluster", spec.name), ctx: ctx, cancel: cancel,
		checks: map[string]context.CancelFunc{}, warm: make(chan struct{}), onWarm: onWarm,
		inherited: map[string]*host{},
	}
	empty := []*host{}
	u.hosts.Store(&empty)
	if spec.kind == kindAggregate {
		u.discovered = true
		u.markWarm()
		return u
	}
	if old != nil {
		for _, h := range *old.hosts.Load() {
			u.inherited[h.addr] = h
		}
	}
	u.dialer = newDialer(spec)
	u.transport = newTransport(spec, u.dialer)
	u.grpc = newGRPCConns(u)
	switch spec.kind {
	case kindStatic:
		u.setEndpoints(resolveStatic(spec.endpoints))
	case kindStrictDNS:
		go u.resolveLoop()
	case kindEDS:
		// The load assignment stays what it was: only the cluster changed.
		if old != nil && old.spec.kind == kindEDS && old.spec.edsName == spec.edsName && old.isDiscovered() {
			u.setHosts(*old.hosts.Load())
		}
		go u.initialFetchTimeout()
	}
	return u
}

// initialFetchTimeout: an EDS cluster whose assignment has not come within
// ConfigSource.initial_fetch_timeout (15s by default) stops holding up
// initialization and carries on with no hosts.
func (u *upstream) initialFetchTimeout() {
	t := time.NewTimer(initialFetchTimeout)
	defer t.Stop()
	select {
	case <-t.C:
		if !u.isDiscovered() {
			u.log.Warn("no endpoints within the initial fetch timeout", "eds", u.spec.edsName)
			u.markDiscovered()
		}
	case <-u.ctx.Done():
	}
}

const initialFetchTimeout = 15 * time.Second

func (u *upstream) markDiscovered() {
	u.mu.Lock()
	u.discovered = true
	u.mu.Unlock()
	u.maybeWarm()
}

func (u *upstream) isDiscovered() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.discovered
}

// setEndpoints installs a new endpoint list (EDS, STATIC or a DNS answer).
func (u *upstream) setEndpoints(eps []resolvedEndpoint) {
	old := map[string]*host{}
	for _, h := range *u.hosts.Load() {
		old[h.addr] = h
	}
	next := make([]*host, 0, len(eps))
	for _, ep := range eps {
		h, ok := old[ep.addr]
		if !ok {
			h, ok = u.inherited[ep.addr]
		}
		if !ok {
			h = &host{addr: ep.addr}
			h.hcFailed.Store(u.spec.healthCheck != nil)
		}
		h.edsUnhealthy.Store(ep.edsUnhealthy)
		next = append(next, h)
	}
	u.setHosts(next)
}

func (u *upstream) setHosts(next []*host) {
	u.hosts.Store(&next)
	u.mu.Lock()
	u.discovered = true
	if u.spec.healthCheck != nil && u.ctx.Err() == nil {
		keep := map[string]bool{}
		for _, h := range next {
			keep[h.addr] = true
			if _, running := u.checks[h.addr]; !running {
				ctx, cancel := context.WithCancel(u.ctx)
				u.checks[h.addr] = cancel
				go u.checkLoop(ctx, h)
			}
		}
		for addr, cancel := range u.checks {
			if !keep[addr] {
				cancel()
				delete(u.checks, addr)
			}
		}
	}
	u.mu.Unlock()
	u.maybeWarm()
}

// maybeWarm: a cluster is warm once its endpoints are known and, with active
// health checking, every host has had its first check.
func (u *upstream) maybeWarm() {
	if !u.isDiscovered() {
		return
	}
	if u.spec.healthCheck != nil {
		for _, h := range *u.hosts.Load() {
			if !h.firstCheckDone() {
				return
			}
		}
	}
	u.markWarm()
}

func (u *upstream) markWarm() {
	u.warmOnce.Do(func() {
		close(u.warm)
		if u.onWarm != nil {
			u.onWarm()
		}
	})
}

func (u *upstream) isWarm() bool {
	select {
	case <-u.warm:
		return true
	default:
		return false
	}
}

// pick balances round robin over the healthy hosts. Below the panic
// threshold Envoy ignores health and balances over every host
// (arch_overview/upstream/load_balancing/panic_threshold); with the default
// 50%, a cluster whose only host is failing still gets traffic.
func (u *upstream) pick() *host {
	all := *u.hosts.Load()
	if len(all) == 0 {
		return nil
	}
	u.used.Store(true)
	set := u.healthyHosts(all)
	if float64(len(set))*100 < u.spec.panicThreshold*float64(len(all)) {
		set = all
	}
	if len(set) == 0 {
		return nil
	}
	return set[u.rr.Add(1)%uint64(len(set))]
}

func (u *upstream) healthyHosts(all []*host) []*host {
	now := time.Now()
	out := make([]*host, 0, len(all))
	for _, h := range all {
		if h.healthy(now) {
			out = append(out, h)
		}
	}
	return out
}

// hasHealthy: the aggregate cluster's test for "a cluster with a healthy
// host".
func (u *upstream) hasHealthy() bool {
	return len(u.healthyHosts(*u.hosts.Load())) > 0
}

func (u *upstream) hostCount() int { return len(*u.hosts.Load()) }

func (u *upstream) close() {
	u.cancel()
	if u.transport != nil {
		u.transport.CloseIdleConnections()
	}
	if u.grpc != nil {
		u.grpc.close()
	}
}
