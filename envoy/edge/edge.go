package edge

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	"github.com/prometheus/client_golang/prometheus"
)

// Options configure an Edge.
type Options struct {
	XDS     string // host:port of strangler's xDS (ADS) server
	NodeID  string // Envoy's --service-node
	Cluster string // Envoy's --service-cluster
	Logger  *slog.Logger
	// ListenOverride serves the listener on this address instead of the
	// one LDS gives, e.g. 127.0.0.1:0 in tests.
	ListenOverride string
	// Registerer receives the stand-in's metrics; nil leaves them
	// unregistered.
	Registerer prometheus.Registerer
}

// Edge is a running Envoy stand-in.
type Edge struct {
	opts    Options
	log     *slog.Logger
	metrics *metrics
	front   *frontend
	store   *configStore
	current atomic.Pointer[view]

	ready     chan struct{}
	readyOnce sync.Once
	running   atomic.Bool
}

// New builds an Edge; nothing starts before Run.
func New(opts Options) (*Edge, error) {
	if opts.XDS == "" {
		return nil, errors.New("edge: the xDS server address is required")
	}
	if opts.NodeID == "" {
		return nil, errors.New("edge: a node id is required")
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	m, err := newMetrics(opts.Registerer)
	if err != nil {
		return nil, err
	}
	e := &Edge{opts: opts, log: log.With("node", opts.NodeID), metrics: m, ready: make(chan struct{})}
	e.front = newFrontend(e.log, http.HandlerFunc(e.serveHTTP), opts.ListenOverride)
	e.store = newConfigStore(e.log, e.front, e.current.Store, e.markReady)
	return e, nil
}

// Run subscribes to the control plane and serves until ctx ends.
func (e *Edge) Run(ctx context.Context) error {
	if !e.running.CompareAndSwap(false, true) {
		return errors.New("edge: Run called twice")
	}
	node := &core.Node{Id: e.opts.NodeID, Cluster: e.opts.Cluster, UserAgentName: "strangler-edge"}
	client := newADSClient(e.opts.XDS, node, e.store, e.log, e.metrics)
	err := client.run(ctx)
	e.front.stop()
	e.store.close()
	return err
}

// Addr is where the listener accepts, once LDS gave one (nil before).
func (e *Edge) Addr() net.Addr { return e.front.address() }

// Ready is closed once the first full configuration is applied: listener
// bound and serving its route table, every cluster warm.
func (e *Edge) Ready() <-chan struct{} { return e.ready }

func (e *Edge) markReady() {
	e.readyOnce.Do(func() {
		e.log.Info("first configuration applied", "listener", e.Addr())
		close(e.ready)
	})
}
