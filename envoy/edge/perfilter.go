package edge

import (
	"errors"
	"fmt"
	"sort"

	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	extproc "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/ext_proc/v3"
	"google.golang.org/protobuf/types/known/anypb"
)

var (
	filterConfigType    = typeURLOf(&route.FilterConfig{})
	extProcPerRouteType = typeURLOf(&extproc.ExtProcPerRoute{})
)

// perFilterConfig is one typed_per_filter_config entry, keyed by filter name.
// As in Envoy's PerFilterConfigs, any explicit entry enables the filter for
// the route; FilterConfig{disabled: true} disables it (route based filter
// chain, arch_overview/http/http_filters#route-based-filter-chain).
type perFilterConfig struct {
	disabled bool
	extProc  *extProcPerRoute // nil: no ext_proc settings
}

func compilePerFilter(m map[string]*anypb.Any) (map[string]*perFilterConfig, error) {
	if len(m) == 0 {
		return nil, nil
	}
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names) // the first error is the same on every run
	out := make(map[string]*perFilterConfig, len(m))
	for _, name := range names {
		pc, err := compilePerFilterEntry(m[name])
		if err != nil {
			return nil, fmt.Errorf("%q: %w", name, err)
		}
		if pc != nil {
			out[name] = pc
		}
	}
	return out, nil
}

func compilePerFilterEntry(a *anypb.Any) (*perFilterConfig, error) {
	optional := false
	if a.GetTypeUrl() == filterConfigType {
		fc := &route.FilterConfig{}
		if err := a.UnmarshalTo(fc); err != nil {
			return nil, err
		}
		if fc.GetDisabled() {
			return &perFilterConfig{disabled: true}, nil // "the config field is ignored"
		}
		if fc.GetConfig() == nil {
			// Envoy: "Empty route/virtual host per filter configuration".
			return nil, errors.New("FilterConfig needs config or disabled: true")
		}
		if fc.GetConfig().GetTypeUrl() == "" {
			return &perFilterConfig{}, nil // an empty config enables the filter explicitly
		}
		a, optional = fc.GetConfig(), fc.GetIsOptional()
	}
	switch a.GetTypeUrl() {
	case extProcPerRouteType:
		pr := &extproc.ExtProcPerRoute{}
		if err := a.UnmarshalTo(pr); err != nil {
			return nil, err
		}
		ep, err := compileExtProcPerRoute(pr)
		if err != nil {
			return nil, err
		}
		return &perFilterConfig{extProc: ep}, nil
	}
	if optional {
		return nil, nil // FilterConfig.is_optional: ignore what we do not implement
	}
	return nil, fmt.Errorf("per-route config %s: the stand-in implements per-route config for ext_proc only", a.GetTypeUrl())
}

// perFilterFor is the most specific entry for a filter: the route's, else
// the virtual host's.
func perFilterFor(v *virtualHost, r *routeEntry, name string) *perFilterConfig {
	if r != nil {
		if pc, ok := r.perFilter[name]; ok {
			return pc
		}
	}
	if v != nil {
		if pc, ok := v.perFilter[name]; ok {
			return pc
		}
	}
	return nil
}

// enabled decides whether a filter runs for a route (HttpFilter.disabled and
// FilterConfig.disabled).
func (f *filterSpec) enabled(pc *perFilterConfig) bool {
	if pc != nil {
		return !pc.disabled && (pc.extProc == nil || !pc.extProc.disabled)
	}
	return !f.disabled
}
