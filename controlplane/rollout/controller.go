package rollout

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/rueidis"

	"github.com/strangler-dev/strangler/routes"
)

// Options configure a Controller.
type Options struct {
	Redis  rueidis.Client // shared by every replica
	Shadow ShadowSource   // required
	Envoy  EnvoySource    // nil when the route file has no metrics block: shadow figures only
	Clock  Clock          // nil: RealClock
	Owner  string         // this replica's name in the lease and history; default host:pid

	Registerer prometheus.Registerer // nil: metrics are not registered
	Logger     *slog.Logger          // nil: slog.Default()

	LeaseTTL   time.Duration // how long a silent leader keeps the lease; default 15s
	Refresh    time.Duration // re-read of the shared state besides pub/sub notices; default 2s
	HistoryCap int           // events kept per route; default 500
	Verdicts   int           // checks kept in a route's state; default 20
}

// Defaults of Options.
const (
	DefaultLeaseTTL   = 15 * time.Second
	DefaultRefresh    = 2 * time.Second
	DefaultHistoryCap = 500
	DefaultVerdicts   = 20
)

// Controller drives the rollouts of one route file. Every replica has one;
// the one holding the lease moves rollouts on, all serve the same state.
type Controller struct {
	redis    rueidis.Client
	store    *store
	shadow   ShadowSource
	envoy    EnvoySource
	clock    Clock
	owner    string
	log      *slog.Logger
	metrics  *metrics
	leaseTTL time.Duration
	refresh  time.Duration
	keep     int

	mu      sync.Mutex
	plans   map[string]plan           // routes with a rollout in the file
	filePct map[string]routes.Percent // every route in the file
	known   map[string]stored         // last state read or written, by route
	served  map[string]routes.Percent // what Effective last reported
	warned  map[string]string         // route → plan fingerprint already warned about

	changes    chan struct{}
	kick       chan struct{}
	kicks      atomic.Uint64
	reloads    chan string
	leaseUntil atomic.Int64 // unix nanos (real time) until which the lease is surely ours; 0: not leading

	progMu   sync.Mutex
	progress driveProgress
}

// New makes a Controller; Update gives it the route file, Run starts it.
func New(opts Options) (*Controller, error) {
	if opts.Redis == nil {
		return nil, errors.New("rollout: Options.Redis is required")
	}
	if opts.Shadow == nil {
		return nil, errors.New("rollout: Options.Shadow is required (the shadow receiver's store)")
	}
	m, err := newMetrics(opts.Registerer)
	if err != nil {
		return nil, err
	}
	c := &Controller{
		redis: opts.Redis, shadow: opts.Shadow, envoy: opts.Envoy, clock: opts.Clock, owner: opts.Owner, log: opts.Logger,
		metrics: m, leaseTTL: orDefault(opts.LeaseTTL, DefaultLeaseTTL), refresh: orDefault(opts.Refresh, DefaultRefresh),
		keep:  orDefault(opts.Verdicts, DefaultVerdicts),
		plans: map[string]plan{}, filePct: map[string]routes.Percent{}, known: map[string]stored{},
		served: map[string]routes.Percent{}, warned: map[string]string{},
		changes: make(chan struct{}, 1), kick: make(chan struct{}, 1), reloads: make(chan string, 256),
	}
	c.store = &store{c: opts.Redis, historyCap: orDefault(opts.HistoryCap, DefaultHistoryCap)}
	if c.clock == nil {
		c.clock = RealClock{}
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	if c.owner == "" {
		host, _ := os.Hostname()
		c.owner = host + ":" + strconv.Itoa(os.Getpid())
	}
	c.log = c.log.With("component", "rollout", "owner", c.owner)
	return c, nil
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Effective is the percent to serve for each route that has a rollout in
// the file: the shared state's, or the file percent while the rollout has
// no state yet (or it could not be read: see Update).
func (c *Controller) Effective() map[string]routes.Percent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.served)
}

// Changes receives a value whenever Effective changes.
func (c *Controller) Changes() <-chan struct{} { return c.changes }

// absorb takes states read or written, each unless it is already known or
// a newer one is, and publishes once for all of them.
func (c *Controller) absorb(states map[string]stored) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fresh := states == nil
	for route, s := range states {
		if k, ok := c.known[route]; ok && k.epoch == s.epoch && k.version >= s.version {
			continue
		}
		c.known[route] = s
		fresh = true
	}
	if fresh {
		c.publishLocked()
	}
}

func (c *Controller) absorbOne(route string, s stored) { c.absorb(map[string]stored{route: s}) }

// publishLocked recomputes what Effective reports and tells Changes.
func (c *Controller) publishLocked() {
	eff := make(map[string]routes.Percent, len(c.plans))
	phases := make(map[string]Phase, len(c.plans))
	for name := range c.plans {
		eff[name], phases[name] = c.filePct[name], PhasePending
		if k := c.known[name]; k.st != nil {
			eff[name], phases[name] = k.st.Percent, k.st.Phase
		}
	}
	c.metrics.showRollouts(eff, phases)
	if maps.Equal(eff, c.served) {
		return
	}
	c.served = eff
	select {
	case c.changes <- struct{}{}:
	default:
	}
}

func (c *Controller) plan(route string) (plan, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.plans[route]
	return p, ok
}

func (c *Controller) planNames() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	names := make([]string, 0, len(c.plans))
	for n := range c.plans {
		names = append(names, n)
	}
	return names
}

// wake makes the driver look at every route again (new file, an action).
func (c *Controller) wake() {
	c.kicks.Add(1)
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *Controller) driverName() string { return "strangler@" + c.owner }

// ErrUnknownRoute is returned for a route without a rollout in the file.
var ErrUnknownRoute = errors.New("no rollout for this route in the route file")

func unknownRoute(route string) error { return fmt.Errorf("route %q: %w", route, ErrUnknownRoute) }
