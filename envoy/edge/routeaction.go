package edge

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
)

// defaultRouteTimeout is RouteAction.timeout's default: "If not specified,
// the default is 15s"; 0 disables the timeout.
const defaultRouteTimeout = 15 * time.Second

// routeAction is a compiled RouteAction.
type routeAction struct {
	cluster        string // or
	weighted       *weightedClusters
	notFoundStatus int
	timeout        time.Duration // 0: none
	retry          *retryPolicy  // nil: no retries
	hash           []hashMethod
	rateLimits     []*rateLimitPolicy
	mirrors        []*mirrorPolicy
}

func compileRouteAction(a *route.RouteAction) (*routeAction, error) {
	ra := &routeAction{timeout: defaultRouteTimeout}
	switch cs := a.GetClusterSpecifier().(type) {
	case *route.RouteAction_Cluster:
		ra.cluster = cs.Cluster
	case *route.RouteAction_WeightedClusters:
		wc, err := compileWeightedClusters(cs.WeightedClusters)
		if err != nil {
			return nil, fmt.Errorf("weighted_clusters: %w", err)
		}
		ra.weighted = wc
	default:
		return nil, errors.New("cluster_specifier: cluster or weighted_clusters is required")
	}
	// RouteAction.cluster_not_found_response_code, SERVICE_UNAVAILABLE by default.
	switch a.GetClusterNotFoundResponseCode() {
	case route.RouteAction_NOT_FOUND:
		ra.notFoundStatus = http.StatusNotFound
	case route.RouteAction_INTERNAL_SERVER_ERROR:
		ra.notFoundStatus = http.StatusInternalServerError
	default:
		ra.notFoundStatus = http.StatusServiceUnavailable
	}
	if t := a.GetTimeout(); t != nil {
		ra.timeout = t.AsDuration()
	}
	var err error
	if rp := a.GetRetryPolicy(); rp != nil {
		if ra.retry, err = compileRetryPolicy(rp); err != nil {
			return nil, fmt.Errorf("retry_policy: %w", err)
		}
	}
	if ra.hash, err = compileHashPolicies(a.GetHashPolicy()); err != nil {
		return nil, fmt.Errorf("hash_policy: %w", err)
	}
	if ra.rateLimits, err = compileRateLimitPolicies(a.GetRateLimits()); err != nil {
		return nil, fmt.Errorf("rate_limits: %w", err)
	}
	for i, mp := range a.GetRequestMirrorPolicies() {
		m, err := compileMirrorPolicy(mp)
		if err != nil {
			return nil, fmt.Errorf("request_mirror_policies[%d]: %w", i, err)
		}
		ra.mirrors = append(ra.mirrors, m)
	}
	return ra, nil
}

// clusters names every cluster the action may send to.
func (a *routeAction) clusters() []string {
	if a.weighted == nil {
		return []string{a.cluster}
	}
	out := make([]string, 0, len(a.weighted.entries))
	for _, e := range a.weighted.entries {
		out = append(out, e.name)
	}
	return out
}
