// Package serve runs the control plane: it watches the route file, keeps the
// route store, translates each accepted file and serves it over ADS, with the
// admin API beside it. It is glue; the logic lives in routes, controlplane and
// controlplane/xds.
package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"google.golang.org/grpc"

	"github.com/strangler-dev/strangler/controlplane"
	"github.com/strangler-dev/strangler/controlplane/admin"
	"github.com/strangler-dev/strangler/controlplane/console"
	"github.com/strangler-dev/strangler/controlplane/rollout"
	"github.com/strangler-dev/strangler/controlplane/xds"
	"github.com/strangler-dev/strangler/routes"
	"github.com/strangler-dev/strangler/shadow"
)

// Options configure Run.
type Options struct {
	RoutesPath string
	XDSAddr    string // e.g. :18000; empty: no control plane, edge services only
	AdminAddr  string // e.g. :9000 (admin API, or only /metrics and probes without a control plane)
	Debounce   time.Duration
	Logger     *slog.Logger
	// Edges names the edge services to run (see EdgeNames); nil runs every
	// one the route file configures, an empty list none.
	Edges []string
	// AdminToken is the bearer token the admin API's actions (rollout
	// promote/pause/resume/abort) require; empty refuses every action.
	AdminToken string
	// Ready, when set, receives the running process once its servers listen
	// (tests bind to port 0 and read the addresses from it).
	Ready func(*Running)
}

// Running is a started Run, for tests and callers that bind to port 0.
type Running struct {
	XDSAddr, AdminAddr net.Addr // XDSAddr nil without a control plane
	ControlPlane       *ControlPlane
	edges              *edges
}

// EdgeAddr is where a running edge service listens, once a route file
// configured it.
func (r *Running) EdgeAddr(name string) (net.Addr, bool) { return r.edges.Addr(name) }

// ControlPlane is a running control plane.
type ControlPlane struct {
	Store    *routes.Store
	XDS      *xds.Server
	Registry *prometheus.Registry
	log      *slog.Logger

	mu       sync.Mutex
	served   *controlplane.Resources // what Envoy is being served now
	accepted *routes.File            // the last good route file, as written
	rollouts *rollout.Controller     // nil until a route file names a Redis
	author   string                  // who made the next file change, when known (a console shift)
}

// attribute names who makes the next change of the route file and why, for
// the history; the file change itself arrives through the watcher.
func (cp *ControlPlane) attribute(who, why string) {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	cp.author = who
	if why != "" {
		cp.author += ": " + why
	}
}

// takeAuthor returns and clears the pending attribution ("route file" when
// none: an edit of the file itself).
func (cp *ControlPlane) takeAuthor() string {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	who := cp.author
	cp.author = ""
	if who == "" {
		return "route file"
	}
	return who
}

// setRollouts attaches the rollout controller: from then on Envoy gets each
// route's effective percent, which a rollout may hold apart from the file's.
func (cp *ControlPlane) setRollouts(c *rollout.Controller) {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	cp.rollouts = c
}

// Rollouts is the rollout controller, nil before one runs.
func (cp *ControlPlane) Rollouts() *rollout.Controller {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	return cp.rollouts
}

// effective is the file Envoy should get: percents of routes under rollout
// replaced by their effective ones.
func (cp *ControlPlane) effective(f *routes.File) *routes.File {
	if c := cp.Rollouts(); c != nil {
		return f.WithPercents(c.Effective())
	}
	return f
}

// Reapply serves the last good route file again with the current effective
// percents: a rollout moved a step.
func (cp *ControlPlane) Reapply(ctx context.Context) error {
	cp.mu.Lock()
	f := cp.accepted
	cp.mu.Unlock()
	if f == nil {
		return nil
	}
	res, err := controlplane.Translate(cp.effective(f))
	if err == nil {
		err = cp.XDS.Update(ctx, res)
	}
	if err != nil {
		cp.log.Error("rollout step not served", "error", err)
		return err
	}
	cp.mu.Lock()
	cp.served = res
	cp.mu.Unlock()
	cp.log.Info("effective percents served", "percents", cp.Rollouts().Effective())
	return nil
}

// New builds the parts without starting anything.
func New(ctx context.Context, log *slog.Logger) (*ControlPlane, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	store, err := routes.NewStore()
	if err != nil {
		return nil, err
	}
	srv, err := xds.NewServer(ctx, xds.Options{Registerer: reg, Logger: log})
	if err != nil {
		return nil, err
	}
	return &ControlPlane{Store: store, XDS: srv, Registry: reg, log: log}, nil
}

// Apply takes one result of loading the route file. A file that fails to
// load, translate or validate as Envoy config is recorded and never served;
// the last good configuration stays in place.
func (cp *ControlPlane) Apply(ctx context.Context, f *routes.File, loadErr error) error {
	now := time.Now()
	err := loadErr
	var res *controlplane.Resources
	switch {
	case err != nil:
		cp.XDS.Reject(err)
	default:
		if c := cp.Rollouts(); c != nil {
			if err := c.Update(ctx, f, cp.takeAuthor()); err != nil {
				cp.log.Warn("rollout state not read; serving the last known effective percents", "error", err)
			}
		}
		if res, err = controlplane.Translate(cp.effective(f)); err != nil {
			err = fmt.Errorf("translate: %w", err)
			cp.XDS.Reject(err)
		} else {
			err = cp.XDS.Update(ctx, res) // records its own rejection
		}
	}
	if err != nil {
		cp.Store.Reject(err, now)
		cp.log.Error("route file rejected; Envoy keeps the last good config", "error", err)
		return err
	}
	if err := cp.Store.Replace(f, now); err != nil {
		return err
	}
	cp.mu.Lock()
	cp.served, cp.accepted = res, f
	cp.mu.Unlock()
	cp.log.Info("route file served", "path", f.Path, "routes", len(f.Routes), "versions", cp.XDS.Versions())
	return nil
}

// Config renders what Envoy is being served now.
func (cp *ControlPlane) Config() ([]byte, error) {
	cp.mu.Lock()
	res := cp.served
	cp.mu.Unlock()
	if res == nil {
		return nil, errors.New("no route file has been served yet")
	}
	return controlplane.Render(res)
}

// Run serves until ctx ends.
func Run(ctx context.Context, opts Options) error {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	if opts.Debounce == 0 {
		opts.Debounce = routes.DefaultDebounce
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cp, err := New(ctx, log)
	if err != nil {
		return err
	}
	ed, err := newEdges(ctx, opts.Edges, cp.Registry, log)
	if err != nil {
		return err
	}
	defer ed.stop()
	run := &Running{ControlPlane: cp, edges: ed}
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	listen := func(addr, what string) (net.Listener, error) {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("%s listener: %w", what, err)
		}
		listeners = append(listeners, l)
		return l, nil
	}
	adminLis, err := listen(opts.AdminAddr, "admin")
	if err != nil {
		return err
	}
	run.AdminAddr = adminLis.Addr()
	errs := make(chan error, 3)
	rp := &reports{}
	adminOpts := admin.Options{Gatherer: cp.Registry, Logger: log, Extra: rp.handlers()}
	accepted := func(f *routes.File) {
		if needsRedis(f) {
			if c, err := ed.redisFor(f); err != nil {
				log.Error("redis", "error", err)
			} else {
				rp.set(c)
			}
		}
		if err := ed.apply(f); err != nil {
			log.Error("edge services", "error", err)
		}
	}
	onFile := func(f *routes.File, err error) {
		if err != nil {
			log.Error("route file rejected; the edge services keep the last good one", "error", err)
			return
		}
		accepted(f)
	}
	if opts.XDSAddr != "" {
		xdsLis, err := listen(opts.XDSAddr, "xds")
		if err != nil {
			return err
		}
		run.XDSAddr = xdsLis.Addr()
		g := grpc.NewServer(xds.GRPCServerOptions()...)
		cp.XDS.Register(g)
		go func() { errs <- serveGRPC(ctx, g, xdsLis) }()
		adminOpts.Routes, adminOpts.Config, adminOpts.Server = func() any { return RouteViews(cp) }, cp.Config, cp.XDS
		for p, h := range controlPlaneHandlers(cp, opts, log) {
			adminOpts.Extra[p] = h
		}
		onFile = func(f *routes.File, err error) {
			if err == nil && cp.Rollouts() == nil {
				if err := startRollouts(ctx, cp, ed, f, log); err != nil {
					log.Error("rollouts and history are off until Redis is reachable", "error", err)
				} else if c, err := ed.redisFor(f); err == nil {
					rp.set(c) // reports read the same Redis, embedded or not
				}
			}
			if cp.Apply(ctx, f, err) == nil { // rejected files are recorded by Apply
				accepted(f)
			}
		}
	}
	web := &http.Server{Handler: admin.NewHandler(adminOpts), ReadHeaderTimeout: 10 * time.Second}
	go func() { errs <- web.Serve(adminLis) }()
	go func() { errs <- routes.Watch(ctx, opts.RoutesPath, opts.Debounce, onFile) }()
	log.Info("strangler up", "routes", opts.RoutesPath, "xds", opts.XDSAddr, "admin", adminLis.Addr().String())
	if opts.Ready != nil {
		opts.Ready(run)
	}
	select {
	case <-ctx.Done():
		err = nil
	case err = <-errs:
	}
	cancel()
	shutdown, done := context.WithTimeout(context.Background(), 5*time.Second)
	defer done()
	_ = web.Shutdown(shutdown)
	return err
}

// controlPlaneHandlers are the admin server's parts that need the control
// plane: the rollout and history API (behind the admin token) and the
// console.
func controlPlaneHandlers(cp *ControlPlane, opts Options, log *slog.Logger) map[string]http.Handler {
	out := map[string]http.Handler{}
	rollouts := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c := cp.Rollouts(); c != nil {
			rollout.AdminHandler(c, opts.AdminToken).ServeHTTP(w, r)
			return
		}
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "no route file served yet"})
	})
	for _, p := range []string{"/api/rollouts", "/api/rollouts/", "/api/history/"} {
		out[p] = rollouts
	}
	ui := console.Handler(console.Options{RoutesPath: opts.RoutesPath, Token: opts.AdminToken, Gatherer: cp.Registry,
		Logger: log, OnShift: cp.attribute})
	for _, p := range console.Patterns {
		out[p] = ui
	}
	return out
}

// startRollouts runs the rollout controller on the file's Redis (embedded
// when the file names none): rollouts, and the history of every percent
// change, live there so that replicas agree and restarts resume.
func startRollouts(ctx context.Context, cp *ControlPlane, ed *edges, f *routes.File, log *slog.Logger) error {
	redis, err := ed.redisFor(f)
	if err != nil {
		return err
	}
	opts := rollout.Options{Redis: redis, Shadow: shadow.NewStore(redis), Registerer: cp.Registry, Logger: log.With("part", "rollout")}
	if f.Metrics.Prometheus != "" {
		prom, err := rollout.NewPrometheus(f.Metrics.Prometheus, &http.Client{Timeout: 10 * time.Second}, rollout.DefaultQueries())
		if err != nil {
			return err
		}
		opts.Envoy = prom
	}
	c, err := rollout.New(opts)
	if err != nil {
		return err
	}
	cp.setRollouts(c)
	go func() {
		if err := c.Run(ctx); err != nil && ctx.Err() == nil {
			log.Error("rollout controller stopped", "error", err)
		}
	}()
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-c.Changes():
				_ = cp.Reapply(ctx) // logged
			}
		}
	}()
	return nil
}
