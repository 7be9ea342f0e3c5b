package controlplane

import (
	mutation "github.com/envoyproxy/go-control-plane/envoy/config/common/mutation_rules/v3"
	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	extproc "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/ext_proc/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	envoytype "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/protobuf/proto"

	"github.com/strangler-dev/strangler/routes"
)

// Shadow comparison. Envoy's request mirror is fire-and-forget: it never
// shows anyone the mirror's response, nor the response the user got. So a
// sample of a shadowed route's requests takes a copy of the route (placed
// just before it, matching the same requests for runtime_fraction of them)
// that does two extra things:
//
//   - mirrors the request to strangler's shadow receiver (cluster
//     strangler_shadow, HTTP/1.1), which thus learns the request, body included;
//   - enables an ext_proc filter in observability_mode that streams the
//     primary response (headers, then body chunks: observability mode allows
//     only STREAMED bodies) to the receiver (cluster strangler_shadow_capture,
//     gRPC), without ever holding the user's response back.
//
// Both carry the same x-request-id (the mirror is a clone of the request,
// made after the connection manager generated the id), which the receiver
// joins them by. The side that served the user is marked by a response
// header set per weighted cluster; the receiver then calls the other side
// itself and compares, so Magento is never called twice for one user request.
const (
	ShadowClusterName        = "strangler_shadow"
	ShadowCaptureClusterName = "strangler_shadow_capture"
	ShadowCaptureFilterName  = "strangler.shadow_capture"
	// SideHeader on the primary response says which side served it.
	SideHeader = "x-strangler-side"
	// RouteHeader names the route file route, on the mirror and as gRPC
	// metadata of the capture stream.
	RouteHeader     = "x-strangler-route"
	SideNew         = "new"
	SideLegacy      = "legacy"
	shadowRouteName = "/shadow"
)

// ShadowRouteName is the sampled copy of a shadowed route.
func ShadowRouteName(r *routes.Route) string { return r.Name + shadowRouteName }

func shadowed(f *routes.File) bool {
	for _, r := range f.Routes {
		if r.Shadow != nil && r.Shadow.Percent > 0 {
			return true
		}
	}
	return false
}

// shadowCaptureFilter is disabled by default (HttpFilter.disabled) and
// enabled by per-route config on the sampled copies only, so unsampled
// requests never open a stream. failure_mode_allow: a dead receiver costs
// users nothing.
func shadowCaptureFilter(f *routes.File) (*hcm.HttpFilter, error) {
	if f.ShadowService == nil || !shadowed(f) {
		return nil, nil
	}
	cfg := &extproc.ExternalProcessor{
		GrpcService:       grpcService(ShadowCaptureClusterName),
		ObservabilityMode: true,
		FailureModeAllow:  true,
		ProcessingMode: &extproc.ProcessingMode{
			RequestHeaderMode:   extproc.ProcessingMode_SEND,
			ResponseHeaderMode:  extproc.ProcessingMode_SEND,
			RequestBodyMode:     extproc.ProcessingMode_NONE, // the mirror carries the request body
			ResponseBodyMode:    extproc.ProcessingMode_STREAMED,
			RequestTrailerMode:  extproc.ProcessingMode_SKIP,
			ResponseTrailerMode: extproc.ProcessingMode_SKIP,
		},
	}
	return &hcm.HttpFilter{
		Name:       ShadowCaptureFilterName,
		Disabled:   true,
		ConfigType: &hcm.HttpFilter_TypedConfig{TypedConfig: typed(cfg)},
	}, nil
}

// shadowRoute is the sampled copy of a route's traffic entry.
func shadowRoute(f *routes.File, r *routes.Route, traffic *route.Route) *route.Route {
	if f.ShadowService == nil || r.Shadow == nil || r.Shadow.Percent == 0 {
		return nil
	}
	e := proto.Clone(traffic).(*route.Route)
	e.Name = ShadowRouteName(r)
	m := r.Match
	m.Methods = r.Shadow.Methods // a subset of the route's (validated)
	e.Match = routeMatch(m)
	// "<= numerator" in Envoy's check: percent 0 never gets here.
	e.Match.RuntimeFraction = &core.RuntimeFractionalPercent{
		DefaultValue: &envoytype.FractionalPercent{Numerator: uint32(r.Shadow.Percent), Denominator: envoytype.FractionalPercent_TEN_THOUSAND},
		RuntimeKey:   "strangler.shadow." + r.Name,
	}
	a := e.GetRoute()
	a.RequestMirrorPolicies = []*route.RouteAction_RequestMirrorPolicy{{
		Cluster: ShadowClusterName,
		// Magento picks the store by Host; "shop.example.com-shadow" would
		// answer for no store at all.
		DisableShadowHostSuffixAppend: true,
		RequestHeadersMutations: []*mutation.HeaderMutation{{Action: &mutation.HeaderMutation_Append{
			Append: &core.HeaderValueOption{Header: headerValue(RouteHeader, r.Name), AppendAction: core.HeaderValueOption_OVERWRITE_IF_EXISTS_OR_ADD},
		}}},
	}}
	markSides(e, r)
	enableExtProc(e, ShadowCaptureFilterName, r.Name)
	return e
}

// markSides sets SideHeader on the response: per weighted cluster in a
// split, on the route otherwise. A fallback that retried on legacy still
// carries "new"; the virtual host then adds x-envoy-attempt-count, which
// tells the receiver a retry happened.
func markSides(e *route.Route, r *routes.Route) {
	a := e.GetRoute()
	if wc := a.GetWeightedClusters(); wc != nil {
		wc.Clusters[0].ResponseHeadersToAdd = []*core.HeaderValueOption{sideHeader(SideNew)}
		wc.Clusters[1].ResponseHeadersToAdd = []*core.HeaderValueOption{sideHeader(SideLegacy)}
		return
	}
	side := SideLegacy
	if a.GetCluster() != ClusterName(r.Legacy) {
		side = SideNew
	}
	e.ResponseHeadersToAdd = []*core.HeaderValueOption{sideHeader(side)}
}

func sideHeader(side string) *core.HeaderValueOption {
	return &core.HeaderValueOption{Header: headerValue(SideHeader, side),
		AppendAction: core.HeaderValueOption_OVERWRITE_IF_EXISTS_OR_ADD}
}

func headerValue(k, v string) *core.HeaderValue { return &core.HeaderValue{Key: k, Value: v} }

// shadowFallback: a shadowed route with fallback needs Envoy to report
// retries in the response, or a legacy answer would pass for the new side's.
func shadowFallback(f *routes.File) bool {
	for _, r := range f.Routes {
		if r.Shadow != nil && r.Shadow.Percent > 0 && r.Fallback {
			return true
		}
	}
	return false
}
