package shadow

import (
	"errors"
	"fmt"
	"sort"
	"sync/atomic"
	"time"

	"github.com/strangler-dev/strangler/shadow/diff"
)

// Sides of a comparison, as Envoy marks them in the x-strangler-side
// response header (controlplane.SideLegacy and SideNew).
const (
	SideLegacy = "legacy"
	SideNew    = "new"
)

// Header names shared with the control plane's Envoy configuration.
const (
	routeHeader    = "x-strangler-route" // on the mirror, and capture stream metadata
	sideHeader     = "x-strangler-side"  // on the primary response
	attemptsHeader = "x-envoy-attempt-count"
	requestIDName  = "x-request-id"
)

// routeState is a route ready to use: its comparer compiled once per
// Update, and a round-robin position per side.
type routeState struct {
	Route
	cmp  *diff.Comparer
	next [2]atomic.Uint32 // legacy, new
}

func newRouteState(r Route, maxBody int64) (*routeState, error) {
	if err := r.validate(); err != nil {
		return nil, err
	}
	// Decoded bodies may be several times the wire size; the wire cap is
	// MaxBody, applied while reading.
	decoded := max(int64(diff.DefaultMaxBodyBytes), 4*maxBody)
	cmp, err := diff.NewComparer(r.Rules, diff.WithMaxBodyBytes(decoded))
	if err != nil {
		return nil, err
	}
	return &routeState{Route: r, cmp: cmp}, nil
}

// endpoint picks the side's next base URL.
func (r *routeState) endpoint(side string) string {
	urls, i := r.Legacy, 0
	if side == SideNew {
		urls, i = r.New, 1
	}
	n := r.next[i].Add(1)
	return urls[int(n-1)%len(urls)]
}

func (r *routeState) timeout(def time.Duration) time.Duration {
	if r.Timeout > 0 {
		return r.Timeout
	}
	return def
}

// routeTable is one configuration, swapped whole on Update.
type routeTable struct {
	cfg    Config
	routes map[string]*routeState
}

func buildTable(cfg Config) (*routeTable, error) {
	cfg = cfg.withDefaults()
	t := &routeTable{cfg: cfg, routes: make(map[string]*routeState, len(cfg.Routes))}
	names := make([]string, 0, len(cfg.Routes))
	for name := range cfg.Routes {
		names = append(names, name)
	}
	sort.Strings(names)
	var errs []error
	for _, name := range names {
		r := cfg.Routes[name]
		if r.Name == "" {
			r.Name = name
		}
		if r.Name != name {
			errs = append(errs, fmt.Errorf("route %q: keyed as %q", r.Name, name))
			continue
		}
		rs, err := newRouteState(r, cfg.MaxBody)
		if err != nil {
			errs = append(errs, fmt.Errorf("route %q: %w", name, err))
			continue
		}
		t.routes[name] = rs
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("shadow config: %w", err)
	}
	return t, nil
}
