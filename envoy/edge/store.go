package edge

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"

	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	endpoint "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	listener "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"google.golang.org/protobuf/proto"
)

// configStore holds what the node accepted per xDS type, compiled, and
// publishes a new view after every accepted update. Each apply either takes
// the whole response or, on any error, changes nothing (the NACK keeps the
// previous version in force).
type configStore struct {
	log     *slog.Logger
	front   *frontend
	publish func(*view)
	ready   func()

	mu          sync.Mutex
	clusters    map[string]*cluster.Cluster
	upstreams   map[string]*upstream
	assignments map[string][]resolvedEndpoint // by EDS service name
	listener    *listenerSpec
	tables      map[string]*routeTable
	closed      bool
	haveCDS     bool // a CDS response was accepted
}

func newConfigStore(log *slog.Logger, front *frontend, publish func(*view), ready func()) *configStore {
	return &configStore{
		log: log, front: front, publish: publish, ready: ready,
		clusters: map[string]*cluster.Cluster{}, upstreams: map[string]*upstream{},
		assignments: map[string][]resolvedEndpoint{}, tables: map[string]*routeTable{},
	}
}

// apply takes one accepted-to-be response of typeURL; it returns the names
// the dependent type must now be subscribed to (EDS for CDS, RDS for LDS).
func (s *configStore) apply(typeURL string, res map[string]proto.Message) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errors.New("edge is shutting down")
	}
	var names []string
	var err error
	switch typeURL {
	case resource.ClusterType:
		names, err = s.applyClusters(res)
	case resource.EndpointType:
		err = s.applyEndpoints(res)
	case resource.ListenerType:
		names, err = s.applyListeners(res)
	case resource.RouteType:
		err = s.applyRoutes(res)
	default:
		err = fmt.Errorf("type %s is not one the stand-in subscribes to", typeURL)
	}
	if err != nil {
		return nil, err
	}
	s.rebuild()
	return names, nil
}

func (s *configStore) applyClusters(res map[string]proto.Message) ([]string, error) {
	specs := map[string]*clusterSpec{}
	for name, m := range res {
		spec, err := compileCluster(m.(*cluster.Cluster))
		if err != nil {
			return nil, err
		}
		specs[name] = spec
	}
	// A cluster a filter of the current listener calls may go: Envoy takes
	// the CDS update and the filter's calls fail (failure mode) until LDS
	// catches up; only a listener naming an unknown cluster is refused.
	next := make(map[string]*upstream, len(specs))
	var retired []*upstream
	for name, spec := range specs {
		old := s.upstreams[name]
		if old != nil && proto.Equal(s.clusters[name], res[name]) {
			next[name] = old
			continue
		}
		u := newUpstream(spec, s.log, s.warmed, old)
		if spec.kind == kindEDS {
			if eps, ok := s.assignments[spec.edsName]; ok {
				u.setEndpoints(eps)
			}
		}
		next[name] = u
		if old != nil {
			retired = append(retired, old)
		}
	}
	for name, old := range s.upstreams {
		if _, kept := next[name]; !kept {
			retired = append(retired, old)
		}
	}
	s.upstreams, s.haveCDS = next, true
	s.clusters = map[string]*cluster.Cluster{}
	for name, m := range res {
		s.clusters[name] = m.(*cluster.Cluster)
	}
	// Retired clusters stop after the new view is out; requests that still
	// hold the old view finish on connections already open.
	defer func() {
		for _, u := range retired {
			u.close()
		}
	}()
	return s.edsNames(), nil
}

func (s *configStore) edsNames() []string {
	set := map[string]bool{}
	for _, u := range s.upstreams {
		if u.spec.kind == kindEDS {
			set[u.spec.edsName] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// applyEndpoints: in state-of-the-world EDS a response need not repeat every
// subscribed assignment, and one it leaves out is not removed; assignments
// no cluster subscribes to any more are dropped.
func (s *configStore) applyEndpoints(res map[string]proto.Message) error {
	compiled := map[string][]resolvedEndpoint{}
	for name, m := range res {
		if err := checkSubset(m, "cluster load assignment "+name); err != nil {
			return err
		}
		eps, err := compileLoadAssignment(m.(*endpoint.ClusterLoadAssignment), true)
		if err != nil {
			return fmt.Errorf("cluster load assignment %q: %w", name, err)
		}
		compiled[name] = resolveStatic(eps)
	}
	maps.Copy(s.assignments, compiled)
	wanted := map[string]bool{}
	for _, n := range s.edsNames() {
		wanted[n] = true
	}
	for name := range s.assignments {
		if !wanted[name] {
			delete(s.assignments, name)
		}
	}
	for _, u := range s.upstreams {
		if u.spec.kind != kindEDS {
			continue
		}
		if eps, ok := compiled[u.spec.edsName]; ok {
			u.setEndpoints(eps)
		}
	}
	return nil
}

func (s *configStore) applyListeners(res map[string]proto.Message) ([]string, error) {
	if len(res) > 1 {
		return nil, fmt.Errorf("%d listeners: the stand-in serves exactly one", len(res))
	}
	var spec *listenerSpec
	for _, m := range res {
		var err error
		if spec, err = compileListener(m.(*listener.Listener)); err != nil {
			return nil, err
		}
	}
	if err := s.checkListenerClusters(spec); err != nil {
		return nil, err
	}
	if spec == nil {
		s.front.stop()
		s.listener = nil
		return nil, nil
	}
	// Binding is part of accepting the listener: an address that cannot be
	// bound is a NACK, as it is for Envoy.
	if err := s.front.bind(spec); err != nil {
		return nil, fmt.Errorf("listener %q: %w", spec.name, err)
	}
	s.listener = spec
	if spec.hcm.rdsName == "" {
		return nil, nil
	}
	return []string{spec.hcm.rdsName}, nil
}

// checkListenerClusters: Envoy refuses a filter whose envoy_grpc names a
// cluster it does not have ("Unknown gRPC client cluster"). Before any CDS
// response there is nothing to check against: the calls fail until it comes.
func (s *configStore) checkListenerClusters(l *listenerSpec) error {
	if l == nil || !s.haveCDS {
		return nil
	}
	for _, f := range l.hcm.filters {
		if _, ok := s.upstreams[f.grpcCluster()]; !ok {
			return fmt.Errorf("listener %q: http filter %q: unknown gRPC client cluster %q", l.name, f.name, f.grpcCluster())
		}
	}
	return nil
}

func (s *configStore) applyRoutes(res map[string]proto.Message) error {
	next := map[string]*routeTable{}
	for name, m := range res {
		t, err := compileRouteTable(m.(*route.RouteConfiguration))
		if err != nil {
			return err
		}
		if err := s.validateClusters(t); err != nil {
			return err
		}
		next[name] = t
	}
	maps.Copy(s.tables, next)
	if s.listener != nil {
		for name := range s.tables {
			if name != s.listener.hcm.rdsName {
				delete(s.tables, name)
			}
		}
	}
	return nil
}

// validateClusters: RouteConfiguration.validate_clusters makes a route to an
// unknown cluster a config error; otherwise (the RDS default) such a route
// answers cluster_not_found_response_code at request time.
func (s *configStore) validateClusters(t *routeTable) error {
	if !t.validateClusters {
		return nil
	}
	for _, v := range t.vhosts {
		for _, r := range v.routes {
			for _, c := range r.action.clusters() {
				if _, ok := s.upstreams[c]; !ok {
					return fmt.Errorf("route configuration %q: route %q: unknown cluster %q (validate_clusters)", t.name, r.name, c)
				}
			}
		}
	}
	return nil
}

// rebuild publishes the current state. The listener starts accepting once
// its route table is there: Envoy's listener warms on RDS.
func (s *configStore) rebuild() {
	v := &view{listener: s.listener, clusters: maps.Clone(s.upstreams)}
	if s.listener != nil {
		v.routes = s.listener.hcm.inline
		if v.routes == nil {
			v.routes = s.tables[s.listener.hcm.rdsName]
		}
	}
	s.publish(v)
	if v.listener != nil && v.routes != nil {
		s.front.serve()
	}
	s.checkReadyLocked()
}

// warmed runs when a cluster warms, possibly while the store is locked.
func (s *configStore) warmed() { go s.checkReady() }

func (s *configStore) checkReady() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkReadyLocked()
}

// checkReadyLocked: the first full configuration is applied once the
// listener serves a route table and every cluster is warm (EDS received,
// DNS resolved, first health checks done).
func (s *configStore) checkReadyLocked() {
	if s.listener == nil || len(s.upstreams) == 0 {
		return
	}
	if s.listener.hcm.inline == nil && s.tables[s.listener.hcm.rdsName] == nil {
		return
	}
	for _, u := range s.upstreams {
		if !u.isWarm() {
			return
		}
	}
	s.ready()
}

func (s *configStore) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for _, u := range s.upstreams {
		u.close()
	}
}
