package edge

import (
	"sync"
	"sync/atomic"
	"time"
)

// host is one upstream endpoint and everything known about its health.
// Host objects survive EDS and DNS updates that keep their address, so an
// update never resets what health checks and outlier detection learned.
type host struct {
	addr string // ip:port

	edsUnhealthy atomic.Bool
	// hcFailed is Envoy's FAILED_ACTIVE_HC flag. A host of a cluster with
	// active health checking starts with it set and loses it on its first
	// passing check: clusters warm on an "initial active health check pass"
	// (arch_overview/upstream/cluster_manager#cluster-warming), and "during
	// startup, only a single successful health check is required to mark a
	// host healthy" (HealthCheck.healthy_threshold).
	hcFailed     atomic.Bool
	ejectedUntil atomic.Int64 // unix nanoseconds; outlier ejection

	mu          sync.Mutex
	hcChecked   bool // the first check is done
	hcSuccesses int
	hcFailures  int
	consecutive uint32 // consecutive 5xx, for outlier detection
	ejections   int
}

func (h *host) healthy(now time.Time) bool {
	return !h.edsUnhealthy.Load() && !h.hcFailed.Load() && now.UnixNano() >= h.ejectedUntil.Load()
}

func (h *host) firstCheckDone() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hcChecked
}
