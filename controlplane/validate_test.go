package controlplane

import (
	"errors"
	"fmt"
	"testing"

	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	endpoint "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	listener "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	aggregate "github.com/envoyproxy/go-control-plane/envoy/extensions/clusters/aggregate/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// requireValid checks every resource the way Envoy would before accepting
// it: ValidateAll on the resource and, since protoc-gen-validate stops at an
// Any, on every typed_config inside it (which must also name a registered
// proto type). Then the cross references Envoy resolves by name.
func requireValid(t testing.TB, res *Resources) {
	t.Helper()
	for _, list := range [][]types.Resource{res.Listeners, res.Routes, res.Clusters, res.Endpoints} {
		for _, r := range list {
			require.NoError(t, validateDeep(r))
		}
	}
	require.NoError(t, checkReferences(res))
}

type validator interface{ ValidateAll() error }

func validateDeep(m proto.Message) error {
	if v, ok := m.(validator); ok {
		if err := v.ValidateAll(); err != nil {
			return fmt.Errorf("%s: %w", m.ProtoReflect().Descriptor().FullName(), err)
		}
	}
	if err := noDeprecatedFields(m.ProtoReflect()); err != nil {
		return err
	}
	return forEachAny(m.ProtoReflect(), func(a *anypb.Any) error {
		inner, err := a.UnmarshalNew()
		if err != nil {
			return fmt.Errorf("typed config %s: %w", a.TypeUrl, err)
		}
		return validateDeep(inner)
	})
}

// noDeprecatedFields: Envoy warns on deprecated fields and drops them in
// later versions, so none may be set anywhere in a message (an Any's content
// is checked when validateDeep opens it).
func noDeprecatedFields(m protoreflect.Message) error {
	var err error
	m.Range(func(fd protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
		if opts, ok := fd.Options().(*descriptorpb.FieldOptions); ok && opts.GetDeprecated() {
			err = fmt.Errorf("deprecated field %s is set", fd.FullName())
		}
		return err == nil
	})
	if err != nil {
		return err
	}
	return eachChild(m, func(c protoreflect.Message) error {
		if _, ok := c.Interface().(*anypb.Any); ok {
			return nil
		}
		return noDeprecatedFields(c)
	})
}

// forEachAny calls fn for every Any reachable from m without crossing
// another Any (fn recurses through validateDeep).
func forEachAny(m protoreflect.Message, fn func(*anypb.Any) error) error {
	return eachChild(m, func(c protoreflect.Message) error {
		if a, ok := c.Interface().(*anypb.Any); ok {
			return fn(a)
		}
		return forEachAny(c, fn)
	})
}

// eachChild calls fn for every message set directly in m: singular fields,
// list elements and map values.
func eachChild(m protoreflect.Message, fn func(protoreflect.Message) error) error {
	var err error
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList() && fd.Message() != nil:
			for i := 0; i < v.List().Len() && err == nil; i++ {
				err = fn(v.List().Get(i).Message())
			}
		case fd.IsMap() && fd.MapValue().Message() != nil:
			v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
				err = fn(mv.Message())
				return err == nil
			})
		case !fd.IsList() && !fd.IsMap() && fd.Message() != nil:
			err = fn(v.Message())
		}
		return err == nil
	})
	return err
}

// checkReferences: every cluster a route or an aggregate names exists, every
// EDS cluster has its load assignment and every RDS name its route config.
// snapshot.Consistent only checks the last two, and Envoy answers a missing
// route cluster with 503s rather than a NACK.
func checkReferences(res *Resources) error {
	clusters := map[string]*cluster.Cluster{}
	for _, r := range res.Clusters {
		c := r.(*cluster.Cluster)
		clusters[c.Name] = c
	}
	var errs []error
	for _, c := range clusters {
		errs = append(errs, clusterRefs(c, clusters, res)...)
	}
	for _, r := range res.Routes {
		for _, vh := range r.(*route.RouteConfiguration).VirtualHosts {
			for _, rt := range vh.Routes {
				for _, name := range routeClusters(rt) {
					if clusters[name] == nil {
						errs = append(errs, fmt.Errorf("route %q: unknown cluster %q", rt.Name, name))
					}
				}
			}
		}
	}
	for _, r := range res.Listeners {
		for _, name := range rdsNames(r.(*listener.Listener)) {
			if !hasRouteConfig(res, name) {
				errs = append(errs, fmt.Errorf("listener uses unknown route config %q", name))
			}
		}
	}
	return errors.Join(errs...)
}

func clusterRefs(c *cluster.Cluster, clusters map[string]*cluster.Cluster, res *Resources) []error {
	var errs []error
	if c.GetType() == cluster.Cluster_EDS && !hasLoadAssignment(res, c.Name) {
		errs = append(errs, fmt.Errorf("EDS cluster %q has no load assignment", c.Name))
	}
	if ct := c.GetClusterType(); ct != nil {
		agg := &aggregate.ClusterConfig{}
		if err := ct.TypedConfig.UnmarshalTo(agg); err != nil {
			return append(errs, fmt.Errorf("cluster %q: %w", c.Name, err))
		}
		for _, m := range agg.Clusters {
			if clusters[m] == nil {
				errs = append(errs, fmt.Errorf("aggregate %q: unknown cluster %q", c.Name, m))
			}
		}
	}
	return errs
}

func routeClusters(rt *route.Route) []string {
	a := rt.GetRoute()
	if wc := a.GetWeightedClusters(); wc != nil {
		var names []string
		for _, c := range wc.Clusters {
			names = append(names, c.Name)
		}
		return names
	}
	return []string{a.GetCluster()}
}

func rdsNames(l *listener.Listener) []string {
	var names []string
	for _, fc := range l.FilterChains {
		for _, f := range fc.Filters {
			mgr := &hcm.HttpConnectionManager{}
			if f.GetTypedConfig().UnmarshalTo(mgr) == nil && mgr.GetRds() != nil {
				names = append(names, mgr.GetRds().RouteConfigName)
			}
		}
	}
	return names
}

func hasRouteConfig(res *Resources, name string) bool {
	for _, r := range res.Routes {
		if r.(*route.RouteConfiguration).Name == name {
			return true
		}
	}
	return false
}

func hasLoadAssignment(res *Resources, name string) bool {
	for _, r := range res.Endpoints {
		if r.(*endpoint.ClusterLoadAssignment).ClusterName == name {
			return true
		}
	}
	return false
}

// TestValidatorCatchesBadResources proves the helper is not a rubber stamp:
// an invalid inner typed config, an empty route cluster and a dangling
// aggregate member each fail it.
func TestValidatorCatchesBadResources(t *testing.T) {
	good := func() *Resources {
		res, err := Translate(exampleFile())
		require.NoError(t, err)
		return res
	}

	res := good()
	rc := res.Routes[0].(*route.RouteConfiguration)
	rc.VirtualHosts[0].Routes[0].GetRoute().ClusterSpecifier = &route.RouteAction_Cluster{Cluster: ""}
	require.Error(t, validateDeep(rc), "empty cluster name must fail ValidateAll")

	res = good()
	l := res.Listeners[0].(*listener.Listener)
	mgr := &hcm.HttpConnectionManager{}
	require.NoError(t, l.FilterChains[0].Filters[0].GetTypedConfig().UnmarshalTo(mgr))
	mgr.StatPrefix = "" // required by the HCM's own validation rules
	l.FilterChains[0].Filters[0] = networkFilter(mgr)
	require.Error(t, validateDeep(l), "an invalid HCM inside the listener's Any must fail")

	res = good()
	wc := routeEntries(t, res)[2].GetRoute().GetWeightedClusters()
	wc.TotalWeight = wrapperspb.UInt32(10000) //nolint:staticcheck // the deprecated field under test
	require.ErrorContains(t, validateDeep(res.Routes[0]), "deprecated field")

	res = good()
	res.Clusters = append(res.Clusters, fallbackCluster("catalog", "nowhere"))
	require.ErrorContains(t, checkReferences(res), `unknown cluster "nowhere"`)
}
