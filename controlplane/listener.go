package controlplane

import (
	accesslog "github.com/envoyproxy/go-control-plane/envoy/config/accesslog/v3"
	listener "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	router "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	"github.com/envoyproxy/go-control-plane/pkg/wellknown"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/strangler-dev/strangler/routes"
)

// preRouterFilters build the HTTP filters that run before the router, in the
// order Envoy runs them on requests (responses pass them in reverse). A
// builder returns nil when the route file does not use its feature, so a file
// without it produces exactly the same listener as before. The order:
//   - rate limit first: a rejected request costs nothing further, and a
//     flood of cache hits is limited like any other traffic;
//   - the cache next: a hit answers here, so neither the origin nor the
//     shadow capture sees it (there is nothing to compare);
//   - the shadow capture last, next to the router, so it sees the response
//     exactly as the upstream sent it.
var preRouterFilters = []func(*routes.File) (*hcm.HttpFilter, error){rateLimitFilter, cacheFilter, shadowCaptureFilter}

func httpListener(f *routes.File) (*listener.Listener, error) {
	mgr, err := connectionManager(f)
	if err != nil {
		return nil, err
	}
	return &listener.Listener{
		Name:    ListenerName,
		Address: socketAddress(f.Listen),
		FilterChains: []*listener.FilterChain{{
			Filters: []*listener.Filter{networkFilter(mgr)},
		}},
	}, nil
}

func networkFilter(mgr *hcm.HttpConnectionManager) *listener.Filter {
	return &listener.Filter{
		Name:       wellknown.HTTPConnectionManager,
		ConfigType: &listener.Filter_TypedConfig{TypedConfig: typed(mgr)},
	}
}

// connectionManager takes its routes from RDS so that moving a percent
// re-sends only the RouteConfiguration, never the listener (a listener update
// drains connections).
func connectionManager(f *routes.File) (*hcm.HttpConnectionManager, error) {
	filters, err := httpFilters(f)
	if err != nil {
		return nil, err
	}
	return &hcm.HttpConnectionManager{
		StatPrefix: "ingress_http",
		CodecType:  hcm.HttpConnectionManager_AUTO,
		RouteSpecifier: &hcm.HttpConnectionManager_Rds{Rds: &hcm.Rds{
			ConfigSource:    adsSource(),
			RouteConfigName: RouteConfigName,
		}},
		GenerateRequestId: wrapperspb.Bool(true),
		// Envoy is the edge: it appends the peer to X-Forwarded-For and trusts
		// only the hops the file declares, so Magento sees the real client IP.
		UseRemoteAddress:  wrapperspb.Bool(true),
		XffNumTrustedHops: f.XFFTrustedHops,
		AccessLog:         []*accesslog.AccessLog{stdoutAccessLog()},
		HttpFilters:       filters,
	}, nil
}

// httpFilters puts the router last: Envoy stops at the router, so a filter
// after it would never run.
func httpFilters(f *routes.File) ([]*hcm.HttpFilter, error) {
	var out []*hcm.HttpFilter
	for _, build := range preRouterFilters {
		fl, err := build(f)
		if err != nil {
			return nil, err
		}
		if fl != nil {
			out = append(out, fl)
		}
	}
	return append(out, &hcm.HttpFilter{
		Name:       wellknown.Router,
		ConfigType: &hcm.HttpFilter_TypedConfig{TypedConfig: typed(&router.Router{})},
	}), nil
}
