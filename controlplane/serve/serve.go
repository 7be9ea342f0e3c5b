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
	"github.com/strangler-dev/strangler/controlplane/xds"
	"github.com/strangler-dev/strangler/routes"
)

// Options configure Run.
type Options struct {
	RoutesPath string
	XDSAddr    string // e.g. :18000
	AdminAddr  string // e.g. :9000
	Debounce   time.Duration
	Logger     *slog.Logger
	// Ready, when set, receives the bound addresses once both servers listen
	// (tests bind to port 0).
	Ready func(xdsAddr, adminAddr net.Addr)
}

// ControlPlane is a running control plane.
type ControlPlane struct {
	Store    *routes.Store
	XDS      *xds.Server
	Registry *prometheus.Registry
	log      *slog.Logger

	mu     sync.Mutex
	served *controlplane.Resources // what Envoy is being served now
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
		if res, err = controlplane.Translate(f); err != nil {
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
	cp.served = res
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
	xdsLis, err := net.Listen("tcp", opts.XDSAddr)
	if err != nil {
		return fmt.Errorf("xds listener: %w", err)
	}
	adminLis, err := net.Listen("tcp", opts.AdminAddr)
	if err != nil {
		xdsLis.Close()
		return fmt.Errorf("admin listener: %w", err)
	}
	g := grpc.NewServer(xds.GRPCServerOptions()...)
	cp.XDS.Register(g)
	web := &http.Server{Handler: admin.NewHandler(admin.Options{
		Routes: func() any { return RouteViews(cp.Store) }, Config: cp.Config, Server: cp.XDS, Gatherer: cp.Registry, Logger: log,
	}), ReadHeaderTimeout: 10 * time.Second}

	errs := make(chan error, 3)
	go func() { errs <- g.Serve(xdsLis) }()
	go func() { errs <- web.Serve(adminLis) }()
	go func() {
		errs <- routes.Watch(ctx, opts.RoutesPath, opts.Debounce, func(f *routes.File, err error) {
			_ = cp.Apply(ctx, f, err) // recorded in the store, metrics and log
		})
	}()
	log.Info("control plane up", "routes", opts.RoutesPath, "xds", xdsLis.Addr().String(), "admin", adminLis.Addr().String())
	if opts.Ready != nil {
		opts.Ready(xdsLis.Addr(), adminLis.Addr())
	}
	select {
	case <-ctx.Done():
		err = nil
	case err = <-errs:
	}
	shutdown, done := context.WithTimeout(context.Background(), 5*time.Second)
	defer done()
	_ = web.Shutdown(shutdown)
	g.GracefulStop()
	return err
}
