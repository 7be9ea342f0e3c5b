package edge

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	rlcommon "github.com/envoyproxy/go-control-plane/envoy/extensions/common/ratelimit/v3"
	ratelimitfilter "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/ratelimit/v3"
	rls "github.com/envoyproxy/go-control-plane/envoy/service/ratelimit/v3"
	"google.golang.org/grpc/metadata"
)

// rateLimitSpec is a compiled envoy.filters.http.ratelimit configuration.
type rateLimitSpec struct {
	domain           string
	stage            uint32
	timeout          time.Duration
	failureModeDeny  bool
	service          grpcServiceSpec
	xHeaders         bool // enable_x_ratelimit_headers DRAFT_VERSION_03
	limitedStatus    int
	errorStatus      int
	envoyRateLimited bool // x-envoy-ratelimited on over-limit replies
}

func compileRateLimitFilter(c *ratelimitfilter.RateLimit) (*rateLimitSpec, error) {
	svc := c.GetRateLimitService()
	if svc == nil {
		return nil, errors.New("rate_limit_service is required")
	}
	if v := svc.GetTransportApiVersion(); v != core.ApiVersion_V3 {
		return nil, fmt.Errorf("rate_limit_service.transport_api_version %s: only V3", v)
	}
	gs, err := compileGrpcService(svc.GetGrpcService())
	if err != nil {
		return nil, fmt.Errorf("rate_limit_service: %w", err)
	}
	s := &rateLimitSpec{
		domain: c.GetDomain(), stage: c.GetStage(), failureModeDeny: c.GetFailureModeDeny(), service: gs,
		// RateLimit.timeout: "The default value is 20 milliseconds".
		timeout:          20 * time.Millisecond,
		xHeaders:         c.GetEnableXRatelimitHeaders() == ratelimitfilter.RateLimit_DRAFT_VERSION_03,
		limitedStatus:    http.StatusTooManyRequests,
		errorStatus:      http.StatusInternalServerError,
		envoyRateLimited: !c.GetDisableXEnvoyRatelimitedHeader(),
	}
	if t := c.GetTimeout(); t != nil {
		s.timeout = t.AsDuration()
	}
	// rate_limited_status: "If this is not set, or set to a value below 400,
	// Envoy will return 429".
	if code := int(c.GetRateLimitedStatus().GetCode()); code >= 400 {
		s.limitedStatus = code
	}
	if code := int(c.GetStatusOnError().GetCode()); code != 0 {
		s.errorStatus = code
	}
	return s, nil
}

// rateLimitStream is the filter for one request.
type rateLimitStream struct {
	spec *rateLimitSpec
	edge *Edge
	add  []*core.HeaderValue // response headers to add on the way back
	xrl  http.Header
}

// decode asks the rate limit service about the route's descriptors. The
// route's own rate_limits apply; when it has none, the virtual host's
// (RateLimitPerRoute's default OVERRIDE_POLICY). No descriptor, no call.
func (s *rateLimitStream) decode(x *exchange) *response {
	if x.route == nil {
		return nil
	}
	policies := x.route.action.rateLimits
	if len(policies) == 0 && x.vhost != nil {
		policies = x.vhost.rateLimits
	}
	var descs []*rlcommon.RateLimitDescriptor
	for _, p := range policies {
		if p.stage != s.spec.stage {
			continue
		}
		entries, ok := p.descriptor(x)
		if !ok {
			continue
		}
		d := &rlcommon.RateLimitDescriptor{}
		for _, e := range entries {
			d.Entries = append(d.Entries, &rlcommon.RateLimitDescriptor_Entry{Key: e.key, Value: e.value})
		}
		descs = append(descs, d)
	}
	if len(descs) == 0 {
		return nil
	}
	resp, err := s.call(x, descs)
	if err != nil {
		s.edge.log.Warn("rate limit service failed", "error", err, "deny", s.spec.failureModeDeny)
		if s.spec.failureModeDeny {
			x.fail(flagRateLimitError, "rate_limiter_error")
			return localReply(s.spec.errorStatus, "")
		}
		return nil
	}
	s.add = resp.GetResponseHeadersToAdd()
	if s.spec.xHeaders {
		s.xrl = xRateLimitHeaders(resp.GetStatuses())
	}
	if resp.GetOverallCode() == rls.RateLimitResponse_OVER_LIMIT {
		x.fail(flagRateLimited, "request_rate_limited")
		r := localReply(s.spec.limitedStatus, string(resp.GetRawBody()))
		if s.spec.envoyRateLimited {
			r.header.Set("X-Envoy-Ratelimited", "true")
		}
		// Headers the service sends win over the local reply's content-type.
		for _, h := range s.add {
			if http.CanonicalHeaderKey(h.GetKey()) == "Content-Type" {
				r.header.Del("Content-Type")
			}
		}
		// The filter decorates its own local reply (populateResponseHeaders
		// with from_local_reply); the chain will not run its encoder for it.
		return s.encode(x, r)
	}
	for _, h := range resp.GetRequestHeadersToAdd() {
		x.header.Add(h.GetKey(), serviceHeaderValue(h))
	}
	return nil
}

func (s *rateLimitStream) call(x *exchange, descs []*rlcommon.RateLimitDescriptor) (*rls.RateLimitResponse, error) {
	u := x.view.cluster(s.spec.service.cluster)
	if u == nil {
		return nil, fmt.Errorf("cluster %q not found", s.spec.service.cluster)
	}
	conn, err := u.grpc.get(s.spec.service.authority)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(x.ctx, s.spec.timeout)
	defer cancel()
	ctx = outgoingMetadata(ctx, s.spec.service.metadata)
	return rls.NewRateLimitServiceClient(conn).ShouldRateLimit(ctx, &rls.RateLimitRequest{Domain: s.spec.domain, Descriptors: descs})
}

// encode adds what the service asked for to the response: its
// response_headers_to_add and the x-ratelimit headers, on passed requests
// as on the 429 (Filter::populateResponseHeaders).
func (s *rateLimitStream) encode(_ *exchange, r *response) *response {
	for _, h := range s.add {
		r.header.Add(h.GetKey(), serviceHeaderValue(h))
	}
	for k, vs := range s.xrl {
		for _, v := range vs {
			r.header.Add(k, v)
		}
	}
	return r
}

func (s *rateLimitStream) finish(*exchange) {}

// serviceHeaderValue reads a header a gRPC service sent: raw_value when set,
// value otherwise.
func serviceHeaderValue(h *core.HeaderValue) string {
	if len(h.GetRawValue()) > 0 {
		return string(h.GetRawValue())
	}
	return h.GetValue()
}

func outgoingMetadata(ctx context.Context, md []metadataPair) context.Context {
	if len(md) == 0 {
		return ctx
	}
	kv := make([]string, 0, 2*len(md))
	for _, p := range md {
		kv = append(kv, p.key, p.value)
	}
	return metadata.AppendToOutgoingContext(ctx, kv...)
}
