package controlplane

import (
	"time"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	extproc "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/ext_proc/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/strangler-dev/strangler/routes"
)

// The edge cache is strangler's cache service behind an ext_proc filter
// (envoy/cache explains the protocol). The filter is disabled by default and
// enabled per cached route, which also names the route to the service.
const (
	CacheClusterName = "strangler_cache"
	CacheFilterName  = "strangler.cache"
	// CacheMessageTimeout bounds each exchange with the cache service: a
	// lookup is one Redis read. CacheMaxMessageTimeout lets a request that
	// waits for another request's fill of the same key (stampede
	// coalescing) ask for more time, up to this. The cache service must be
	// configured with the same two values (it is, from the same file).
	CacheMessageTimeout    = 200 * time.Millisecond
	CacheMaxMessageTimeout = 5 * time.Second
)

func cached(f *routes.File) bool {
	for _, r := range f.Routes {
		if r.Cache != nil {
			return true
		}
	}
	return false
}

// cacheFilter: request and response headers go to the service; bodies only
// when the service asks, per response, for BUFFERED_PARTIAL (a body over
// Envoy's buffer then arrives incomplete and is not stored, instead of
// failing the user's request as BUFFERED would). failure_mode_allow: a dead
// cache makes the site slower, never broken. allow_content_length_header
// keeps Content-Length on responses whose body the service saw (it never
// changes a body).
func cacheFilter(f *routes.File) (*hcm.HttpFilter, error) {
	if f.CacheService == nil || !cached(f) {
		return nil, nil
	}
	cfg := &extproc.ExternalProcessor{
		GrpcService:      grpcService(CacheClusterName),
		FailureModeAllow: true,
		ProcessingMode: &extproc.ProcessingMode{
			RequestHeaderMode:   extproc.ProcessingMode_SEND,
			ResponseHeaderMode:  extproc.ProcessingMode_SEND,
			RequestBodyMode:     extproc.ProcessingMode_NONE,
			ResponseBodyMode:    extproc.ProcessingMode_NONE,
			RequestTrailerMode:  extproc.ProcessingMode_SKIP,
			ResponseTrailerMode: extproc.ProcessingMode_SKIP,
		},
		AllowModeOverride:        true,
		MessageTimeout:           durationpb.New(CacheMessageTimeout),
		MaxMessageTimeout:        durationpb.New(CacheMaxMessageTimeout),
		AllowContentLengthHeader: true,
	}
	return &hcm.HttpFilter{
		Name:       CacheFilterName,
		Disabled:   true,
		ConfigType: &hcm.HttpFilter_TypedConfig{TypedConfig: typed(cfg)},
	}, nil
}

// enableExtProc turns a default-disabled ext_proc filter on for one route
// entry, naming the route to the service in the stream's gRPC metadata.
// FilterConfig with disabled unset is the documented way to enable a
// filter that HttpFilter.disabled turned off.
func enableExtProc(e *route.Route, filter, routeName string) {
	if e.TypedPerFilterConfig == nil {
		e.TypedPerFilterConfig = map[string]*anypb.Any{}
	}
	e.TypedPerFilterConfig[filter] = typed(&route.FilterConfig{
		Config: typed(&extproc.ExtProcPerRoute{Override: &extproc.ExtProcPerRoute_Overrides{Overrides: &extproc.ExtProcOverrides{
			GrpcInitialMetadata: []*core.HeaderValue{{Key: RouteHeader, Value: routeName}},
		}}}),
	})
}

// enableCache turns the cache on for a route's traffic entry (and so for its
// shadow copy, cloned from it), never for its preview entries: the cache key
// has no preview header, so a forced side's answer would be served to
// everyone.
func enableCache(f *routes.File, r *routes.Route, traffic *route.Route) {
	if f.CacheService != nil && r.Cache != nil {
		enableExtProc(traffic, CacheFilterName, r.Name)
	}
}
