package edge

import (
	"fmt"
	"strconv"
	"strings"

	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
)

// routeTable is a compiled RouteConfiguration.
type routeTable struct {
	name             string
	vhosts           []*virtualHost
	validateClusters bool
}

// virtualHost is a compiled VirtualHost.
type virtualHost struct {
	name                string
	domains             []string // lower-cased
	routes              []*routeEntry
	includeAttemptCount bool
	rateLimits          []*rateLimitPolicy
	perFilter           map[string]*perFilterConfig
}

// routeEntry is a compiled Route.
type routeEntry struct {
	name       string
	match      *routeMatcher
	action     *routeAction
	perFilter  map[string]*perFilterConfig
	reqAdd     []headerOption
	reqRemove  []string
	respAdd    []headerOption
	respRemove []string
}

func compileRouteTable(rc *route.RouteConfiguration) (*routeTable, error) {
	if err := checkSubset(rc, "route configuration "+strconv.Quote(rc.GetName())); err != nil {
		return nil, err
	}
	t := &routeTable{name: rc.GetName(), validateClusters: rc.GetValidateClusters().GetValue()}
	seen := map[string]string{}
	for i, vh := range rc.GetVirtualHosts() {
		v, err := compileVirtualHost(vh)
		if err != nil {
			return nil, fmt.Errorf("route configuration %q: virtual_hosts[%d] (%s): %w", rc.GetName(), i, vh.GetName(), err)
		}
		// Envoy: "Only unique values for domains are permitted".
		for _, d := range v.domains {
			if other, dup := seen[d]; dup {
				return nil, fmt.Errorf("route configuration %q: virtual_hosts[%d].domains: %q is also in virtual host %q", rc.GetName(), i, d, other)
			}
			seen[d] = v.name
		}
		t.vhosts = append(t.vhosts, v)
	}
	return t, nil
}

func compileVirtualHost(vh *route.VirtualHost) (*virtualHost, error) {
	v := &virtualHost{name: vh.GetName(), includeAttemptCount: vh.GetIncludeAttemptCountInResponse()}
	for _, d := range vh.GetDomains() {
		v.domains = append(v.domains, strings.ToLower(d))
	}
	var err error
	if v.rateLimits, err = compileRateLimitPolicies(vh.GetRateLimits()); err != nil {
		return nil, fmt.Errorf("rate_limits: %w", err)
	}
	if v.perFilter, err = compilePerFilter(vh.GetTypedPerFilterConfig()); err != nil {
		return nil, fmt.Errorf("typed_per_filter_config: %w", err)
	}
	for i, r := range vh.GetRoutes() {
		e, err := compileRoute(r)
		if err != nil {
			return nil, fmt.Errorf("routes[%d] (%s): %w", i, r.GetName(), err)
		}
		v.routes = append(v.routes, e)
	}
	return v, nil
}

func compileRoute(r *route.Route) (*routeEntry, error) {
	e := &routeEntry{name: r.GetName()}
	a := r.GetRoute()
	if a == nil {
		return nil, fmt.Errorf("action: only route (forwarding to a cluster) is supported")
	}
	var err error
	if e.match, err = compileRouteMatch(r.GetMatch()); err != nil {
		return nil, fmt.Errorf("match: %w", err)
	}
	if e.action, err = compileRouteAction(a); err != nil {
		return nil, fmt.Errorf("route: %w", err)
	}
	if e.perFilter, err = compilePerFilter(r.GetTypedPerFilterConfig()); err != nil {
		return nil, fmt.Errorf("typed_per_filter_config: %w", err)
	}
	if e.reqAdd, err = compileHeadersToAdd(r.GetRequestHeadersToAdd(), true); err != nil {
		return nil, fmt.Errorf("request_headers_to_add: %w", err)
	}
	if e.respAdd, err = compileHeadersToAdd(r.GetResponseHeadersToAdd(), false); err != nil {
		return nil, fmt.Errorf("response_headers_to_add: %w", err)
	}
	e.reqRemove, e.respRemove = r.GetRequestHeadersToRemove(), r.GetResponseHeadersToRemove()
	return e, nil
}

// selectVirtualHost follows VirtualHost.domains' search order: exact names,
// then suffix wildcards ("*.foo.com"), then prefix wildcards ("foo.*"),
// longest first, then "*". Matching is case-insensitive.
func (t *routeTable) selectVirtualHost(authority string) *virtualHost {
	host := strings.ToLower(authority)
	var suffix, prefix, any *virtualHost
	suffixLen, prefixLen := -1, -1
	for _, v := range t.vhosts {
		for _, d := range v.domains {
			switch {
			case d == host:
				return v
			case d == "*":
				if any == nil {
					any = v
				}
			case strings.HasPrefix(d, "*") && strings.HasSuffix(host, d[1:]) && len(host) > len(d)-1:
				if len(d) > suffixLen {
					suffix, suffixLen = v, len(d)
				}
			case strings.HasSuffix(d, "*") && strings.HasPrefix(host, d[:len(d)-1]) && len(host) > len(d)-1:
				if len(d) > prefixLen {
					prefix, prefixLen = v, len(d)
				}
			}
		}
	}
	switch {
	case suffix != nil:
		return suffix
	case prefix != nil:
		return prefix
	}
	return any
}

// match finds the virtual host and its first matching route: Envoy walks a
// virtual host's routes in order and takes the first that matches
// (arch_overview/http/http_routing: "the first route that matches").
func (t *routeTable) match(x *exchange) (*virtualHost, *routeEntry) {
	v := t.selectVirtualHost(x.authority)
	if v == nil {
		return nil, nil
	}
	for _, r := range v.routes {
		if r.match.matches(x) {
			return v, r
		}
	}
	return v, nil
}
