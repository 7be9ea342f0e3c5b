package controlplane

import (
	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	ratelimitconf "github.com/envoyproxy/go-control-plane/envoy/config/ratelimit/v3"
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	ratelimit "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/ratelimit/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	envoytype "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/strangler-dev/strangler/routes"
)

// Rate limit names and the descriptor contract with strangler's rate limit
// service (envoy/ratelimit). Each limit becomes one descriptor:
//
//	("limit", "<route>#<i>") [, ("remote_address", ip) | ("header", value) | ("cookie", whole Cookie header)]
//
// The first entry names the limit, so the service looks its numbers up in the
// same route file Envoy's actions came from and the two cannot drift apart.
// Envoy has no cookie action, so the service parses the cookie out of the
// whole header. A request without the header or cookie header yields no
// descriptor for that limit (request_headers with skip_if_absent false drops
// the descriptor), so the limit does not apply to it.
const (
	RateLimitClusterName = "strangler_ratelimit"
	RateLimitDomain      = "strangler"
	LimitDescriptorKey   = "limit"
	HeaderDescriptorKey  = "header"
	CookieDescriptorKey  = "cookie"
)

// rateLimitFilter asks the service about every request whose route carries
// rate_limits. Envoy's failure_mode_deny covers the service itself being
// unreachable or slower than timeout; the service applies the same policy
// when its Redis fails, so one setting says what happens on any failure.
func rateLimitFilter(f *routes.File) (*hcm.HttpFilter, error) {
	if f.RateLimit == nil {
		return nil, nil
	}
	cfg := &ratelimit.RateLimit{
		Domain:          RateLimitDomain,
		Timeout:         durationpb.New(f.RateLimit.Timeout),
		FailureModeDeny: f.RateLimit.OnRedisError == "deny",
		RateLimitService: &ratelimitconf.RateLimitServiceConfig{
			GrpcService:         grpcService(RateLimitClusterName),
			TransportApiVersion: core.ApiVersion_V3,
		},
		EnableXRatelimitHeaders: ratelimit.RateLimit_DRAFT_VERSION_03,
		RateLimitedStatus:       &envoytype.HttpStatus{Code: envoytype.StatusCode_TooManyRequests},
	}
	return &hcm.HttpFilter{
		Name:       "envoy.filters.http.ratelimit",
		ConfigType: &hcm.HttpFilter_TypedConfig{TypedConfig: typed(cfg)},
	}, nil
}

// routeRateLimits are the descriptors for one route's limits (nil route: the
// catch-all, which gets the file's default limits).
func routeRateLimits(f *routes.File, r *routes.Route) []*route.RateLimit {
	if f.RateLimit == nil {
		return nil
	}
	limits := f.DefaultLimits
	if r != nil {
		limits = r.EffectiveLimits(f)
	}
	out := make([]*route.RateLimit, 0, len(limits))
	for _, l := range limits {
		actions := []*route.RateLimit_Action{{ActionSpecifier: &route.RateLimit_Action_GenericKey_{
			GenericKey: &route.RateLimit_Action_GenericKey{DescriptorKey: LimitDescriptorKey, DescriptorValue: l.ID},
		}}}
		if a := limitKeyAction(l.Per); a != nil {
			actions = append(actions, a)
		}
		out = append(out, &route.RateLimit{Actions: actions})
	}
	return out
}

func limitKeyAction(k routes.LimitKey) *route.RateLimit_Action {
	switch k.Kind {
	case routes.PerClientIP:
		// The trusted client address: X-Forwarded-For as far as xff_trusted_hops allows.
		return &route.RateLimit_Action{ActionSpecifier: &route.RateLimit_Action_RemoteAddress_{
			RemoteAddress: &route.RateLimit_Action_RemoteAddress{}}}
	case routes.PerHeader:
		return requestHeaderAction(k.Name, HeaderDescriptorKey)
	case routes.PerCookie:
		return requestHeaderAction("cookie", CookieDescriptorKey)
	}
	return nil // per route: the limit id alone is the key
}

func requestHeaderAction(header, key string) *route.RateLimit_Action {
	return &route.RateLimit_Action{ActionSpecifier: &route.RateLimit_Action_RequestHeaders_{
		RequestHeaders: &route.RateLimit_Action_RequestHeaders{HeaderName: header, DescriptorKey: key},
	}}
}
