package controlplane

import (
	"encoding/json"
	"fmt"

	bootstrap "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	endpoint "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	listener "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	"google.golang.org/protobuf/proto"

	"github.com/strangler-dev/strangler/routes"
)

// Bootstrap renders the resources as a complete static Envoy bootstrap (JSON;
// save it as a .json file, Envoy picks the parser by extension) that
// `envoy -c` runs without any control plane: the RouteConfiguration inlined
// into the HTTP connection manager instead of RDS, and EDS clusters turned
// STATIC with their load assignment inline. For debugging a translation and
// for running Envoy where the control plane is not available.
func Bootstrap(res *Resources, adminPort uint32) ([]byte, error) {
	b, err := staticBootstrap(res, adminPort)
	if err != nil {
		return nil, err
	}
	return renderBootstrap(b)
}

func staticBootstrap(res *Resources, adminPort uint32) (*bootstrap.Bootstrap, error) {
	static := &bootstrap.Bootstrap_StaticResources{}
	for _, r := range res.Listeners {
		l, err := inlineRoutes(r.(*listener.Listener), res)
		if err != nil {
			return nil, err
		}
		static.Listeners = append(static.Listeners, l)
	}
	for _, r := range res.Clusters {
		c, err := inlineEndpoints(r.(*cluster.Cluster), res)
		if err != nil {
			return nil, err
		}
		static.Clusters = append(static.Clusters, c)
	}
	return &bootstrap.Bootstrap{
		StaticResources: static,
		Admin:           localAdmin(adminPort),
	}, nil
}

// inlineRoutes swaps each HTTP connection manager's RDS reference for the
// RouteConfiguration it names.
func inlineRoutes(l *listener.Listener, res *Resources) (*listener.Listener, error) {
	l = proto.Clone(l).(*listener.Listener)
	for _, fc := range l.FilterChains {
		for i, f := range fc.Filters {
			mgr := &hcm.HttpConnectionManager{}
			if f.GetTypedConfig().MessageIs(mgr) {
				if err := f.GetTypedConfig().UnmarshalTo(mgr); err != nil {
					return nil, fmt.Errorf("bootstrap: listener %q: %w", l.Name, err)
				}
				rds := mgr.GetRds()
				if rds == nil {
					continue
				}
				rc := findRouteConfig(res, rds.RouteConfigName)
				if rc == nil {
					return nil, fmt.Errorf("bootstrap: listener %q uses route config %q, which is not among the resources", l.Name, rds.RouteConfigName)
				}
				mgr.RouteSpecifier = &hcm.HttpConnectionManager_RouteConfig{RouteConfig: rc}
				fc.Filters[i] = networkFilter(mgr)
			}
		}
	}
	return l, nil
}

// inlineEndpoints makes an EDS cluster STATIC with its load assignment
// inline: EDS clusters hold IP endpoints only (see backendCluster), exactly
// what a STATIC cluster takes.
func inlineEndpoints(c *cluster.Cluster, res *Resources) (*cluster.Cluster, error) {
	c = proto.Clone(c).(*cluster.Cluster)
	if c.GetType() != cluster.Cluster_EDS {
		return c, nil
	}
	cla := findLoadAssignment(res, LoadAssignmentName(c.Name))
	if cla == nil {
		return nil, fmt.Errorf("bootstrap: EDS cluster %q has no load assignment among the resources", c.Name)
	}
	c.ClusterDiscoveryType = &cluster.Cluster_Type{Type: cluster.Cluster_STATIC}
	c.EdsClusterConfig = nil
	c.LoadAssignment = cla
	return c, nil
}

func findRouteConfig(res *Resources, name string) *route.RouteConfiguration {
	for _, r := range res.Routes {
		if rc := r.(*route.RouteConfiguration); rc.Name == name {
			return proto.Clone(rc).(*route.RouteConfiguration)
		}
	}
	return nil
}

func findLoadAssignment(res *Resources, name string) *endpoint.ClusterLoadAssignment {
	for _, r := range res.Endpoints {
		if cla := r.(*endpoint.ClusterLoadAssignment); cla.ClusterName == name {
			return proto.Clone(cla).(*endpoint.ClusterLoadAssignment)
		}
	}
	return nil
}

// localAdmin binds the admin interface to loopback only: it can change
// runtime values and quit Envoy, so it must never be on the public network.
func localAdmin(port uint32) *bootstrap.Admin {
	return &bootstrap.Admin{Address: socketAddress(routes.Address{Host: "127.0.0.1", Port: port})}
}

func renderBootstrap(b *bootstrap.Bootstrap) ([]byte, error) {
	raw, err := jsonOptions.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("render bootstrap: %w", err)
	}
	out, err := json.MarshalIndent(json.RawMessage(raw), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("render bootstrap: %w", err)
	}
	return append(out, '\n'), nil
}
