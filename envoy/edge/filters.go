package edge

import (
	"errors"
	"fmt"

	extproc "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/ext_proc/v3"
	ratelimitfilter "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/ratelimit/v3"
	router "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	"google.golang.org/protobuf/types/known/anypb"
)

// filterSpec is one HTTP filter before the router. Filters are recognised
// by the type of their typed_config, never by name: names are free labels
// that per-route configuration refers to.
type filterSpec struct {
	name string
	// disabled: HttpFilter.disabled, "disabled by default and must be
	// explicitly enabled by setting per filter configuration in the route".
	disabled  bool
	rateLimit *rateLimitSpec
	extProc   *extProcSpec
}

// grpcCluster is the cluster the filter calls.
func (f *filterSpec) grpcCluster() string {
	if f.rateLimit != nil {
		return f.rateLimit.service.cluster
	}
	return f.extProc.service.cluster
}

var (
	routerType    = typeURLOf(&router.Router{})
	rateLimitType = typeURLOf(&ratelimitfilter.RateLimit{})
	extProcType   = typeURLOf(&extproc.ExternalProcessor{})
)

// compileHTTPFilters keeps the filters in order and requires the router last
// (Envoy stops at the router: a filter after it would never run, and Envoy
// rejects a chain whose last filter is not terminal).
func compileHTTPFilters(in []*hcm.HttpFilter) ([]*filterSpec, bool, error) {
	if len(in) == 0 {
		return nil, false, errors.New("http_filters: the router filter is required")
	}
	var out []*filterSpec
	seen := map[string]bool{}
	for i, f := range in {
		path := fmt.Sprintf("http_filters[%d] (%s)", i, f.GetName())
		if seen[f.GetName()] {
			return nil, false, fmt.Errorf("%s: duplicate filter name", path)
		}
		seen[f.GetName()] = true
		tc := f.GetTypedConfig()
		if tc == nil {
			return nil, false, fmt.Errorf("%s: typed_config is required (config_discovery is outside the subset)", path)
		}
		if tc.GetTypeUrl() == routerType {
			if i != len(in)-1 {
				return nil, false, fmt.Errorf("%s: the router must be the last filter", path)
			}
			if f.GetDisabled() {
				return nil, false, fmt.Errorf("%s: the router is terminal and cannot be disabled", path)
			}
			r := &router.Router{}
			if err := tc.UnmarshalTo(r); err != nil {
				return nil, false, fmt.Errorf("%s: %w", path, err)
			}
			return out, r.GetSuppressEnvoyHeaders(), nil
		}
		spec, err := compileFilter(f, tc)
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", path, err)
		}
		if spec != nil {
			out = append(out, spec)
		}
	}
	return nil, false, errors.New("http_filters: the last filter must be envoy.filters.http.router")
}

func compileFilter(f *hcm.HttpFilter, tc *anypb.Any) (*filterSpec, error) {
	spec := &filterSpec{name: f.GetName(), disabled: f.GetDisabled()}
	switch tc.GetTypeUrl() {
	case rateLimitType:
		cfg := &ratelimitfilter.RateLimit{}
		if err := tc.UnmarshalTo(cfg); err != nil {
			return nil, err
		}
		rl, err := compileRateLimitFilter(cfg)
		if err != nil {
			return nil, err
		}
		spec.rateLimit = rl
	case extProcType:
		cfg := &extproc.ExternalProcessor{}
		if err := tc.UnmarshalTo(cfg); err != nil {
			return nil, err
		}
		ep, err := compileExtProc(cfg)
		if err != nil {
			return nil, err
		}
		spec.extProc = ep
	default:
		if f.GetIsOptional() {
			return nil, nil // HttpFilter.is_optional: ignore what we do not implement
		}
		return nil, fmt.Errorf("typed_config %s: the stand-in implements only the rate limit, ext_proc and router filters", tc.GetTypeUrl())
	}
	return spec, nil
}
