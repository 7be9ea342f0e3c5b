package rollout

import (
	"context"
	"time"
)

// ShadowSource is the shadow receiver's view of a route between from and
// to: how many compared pairs matched, and how the new service answered.
// shadow.Store implements it.
type ShadowSource interface {
	MatchRate(ctx context.Context, route string, from, to time.Time) (compared, matched int64, err error)
	NewSideStats(ctx context.Context, route string, from, to time.Time) (requests, errors5xx int64, p99 time.Duration, err error)
}

// EnvoySource is Envoy's view of the new service's cluster over the window
// that ends at at. Prometheus implements it.
type EnvoySource interface {
	NewSideStats(ctx context.Context, cluster string, window time.Duration, at time.Time) (EnvoyStats, error)
}

// EnvoyStats are one cluster's figures. A Has flag is false when its query
// returned no data (an empty vector or NaN): no data is inconclusive, never
// zero.
type EnvoyStats struct {
	Requests     float64
	ErrorRate    float64 // share of 5xx, 0 to 1
	P99          time.Duration
	HasRequests  bool
	HasErrorRate bool
	HasP99       bool
}
