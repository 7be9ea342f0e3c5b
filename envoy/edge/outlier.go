package edge

import (
	"math/rand/v2"
	"time"

	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
)

// outlierSpec is OutlierDetection reduced to consecutive_5xx, the detector
// strangler relies on. Simplified (a development stand-in): ejections expire
// at base_ejection_time × the host's ejection count (capped at
// max_ejection_time) instead of being checked every interval, and the
// success-rate and gateway-failure detectors are not implemented.
type outlierSpec struct {
	consecutive5xx     uint32
	enforcing          uint32 // percent
	baseEjection       time.Duration
	maxEjection        time.Duration
	maxEjectionPercent uint32
}

// compileOutlier applies OutlierDetection's documented defaults:
// consecutive_5xx 5, enforcing_consecutive_5xx 100, base_ejection_time 30s,
// max_ejection_time 300s, max_ejection_percent 10 ("but will eject at least
// one host regardless of the value").
func compileOutlier(od *cluster.OutlierDetection) *outlierSpec {
	s := &outlierSpec{consecutive5xx: 5, enforcing: 100, baseEjection: 30 * time.Second,
		maxEjection: 300 * time.Second, maxEjectionPercent: 10}
	if v := od.GetConsecutive_5Xx(); v != nil {
		s.consecutive5xx = v.GetValue()
	}
	if v := od.GetEnforcingConsecutive_5Xx(); v != nil {
		s.enforcing = v.GetValue()
	}
	if v := od.GetBaseEjectionTime(); v != nil {
		s.baseEjection = v.AsDuration()
	}
	if v := od.GetMaxEjectionTime(); v != nil {
		s.maxEjection = v.AsDuration()
	}
	if v := od.GetMaxEjectionPercent(); v != nil {
		s.maxEjectionPercent = v.GetValue()
	}
	return s
}

// recordOutcome feeds outlier detection with one response from h. Locally
// originated failures (connect failures, resets, timeouts) count as 5xx, as
// they do unless split_external_local_origin_errors is set.
func (u *upstream) recordOutcome(h *host, status int, failed bool) {
	spec := u.spec.outlier
	if spec == nil || h == nil {
		return
	}
	bad := failed || status >= 500
	h.mu.Lock()
	if !bad {
		h.consecutive = 0
		h.mu.Unlock()
		return
	}
	h.consecutive++
	trip := spec.consecutive5xx > 0 && h.consecutive >= spec.consecutive5xx
	if trip {
		h.consecutive = 0
	}
	h.mu.Unlock()
	if trip && rand.Uint32N(100) < spec.enforcing && u.mayEject() {
		u.eject(h)
	}
}

// mayEject keeps at least max_ejection_percent of the hosts in service, but
// always allows one ejection.
func (u *upstream) mayEject() bool {
	now := time.Now().UnixNano()
	all := *u.hosts.Load()
	ejected := 0
	for _, h := range all {
		if h.ejectedUntil.Load() > now {
			ejected++
		}
	}
	return ejected == 0 || uint32((ejected+1)*100) <= u.spec.outlier.maxEjectionPercent*uint32(len(all))
}

func (u *upstream) eject(h *host) {
	spec := u.spec.outlier
	h.mu.Lock()
	h.ejections++
	d := time.Duration(h.ejections) * spec.baseEjection
	h.mu.Unlock()
	if d > spec.maxEjection {
		d = max(spec.maxEjection, spec.baseEjection)
	}
	h.ejectedUntil.Store(time.Now().Add(d).UnixNano())
	u.log.Warn("host ejected after consecutive 5xx", "host", h.addr, "for", d.String())
}
