package edge

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	rls "github.com/envoyproxy/go-control-plane/envoy/service/ratelimit/v3"
)

// xRateLimitHeaders builds the DRAFT_VERSION_03 headers as Envoy's
// XRateLimitHeaderUtils::create does: of the statuses carrying a
// current_limit, the one with the least remaining gives X-RateLimit-Limit
// (its requests_per_unit, then ", <limit>;w=<window seconds>[;name="..."]"
// for every such status), X-RateLimit-Remaining and X-RateLimit-Reset
// (seconds until reset).
func xRateLimitHeaders(statuses []*rls.RateLimitResponse_DescriptorStatus) http.Header {
	var least *rls.RateLimitResponse_DescriptorStatus
	var policy strings.Builder
	for _, st := range statuses {
		if st.GetCurrentLimit() == nil {
			continue
		}
		if least == nil || st.GetLimitRemaining() < least.GetLimitRemaining() {
			least = st
		}
		if w := unitSeconds(st.GetCurrentLimit().GetUnit()); w > 0 {
			fmt.Fprintf(&policy, ", %d;w=%d", st.GetCurrentLimit().GetRequestsPerUnit(), w)
			if name := st.GetCurrentLimit().GetName(); name != "" {
				fmt.Fprintf(&policy, ";name=%q", name)
			}
		}
	}
	h := http.Header{}
	if least == nil {
		return h
	}
	h.Set("X-RateLimit-Limit", strconv.FormatUint(uint64(least.GetCurrentLimit().GetRequestsPerUnit()), 10)+policy.String())
	h.Set("X-RateLimit-Remaining", strconv.FormatUint(uint64(least.GetLimitRemaining()), 10))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(least.GetDurationUntilReset().GetSeconds(), 10))
	return h
}

func unitSeconds(u rls.RateLimitResponse_RateLimit_Unit) int {
	switch u {
	case rls.RateLimitResponse_RateLimit_SECOND:
		return 1
	case rls.RateLimitResponse_RateLimit_MINUTE:
		return 60
	case rls.RateLimitResponse_RateLimit_HOUR:
		return 3600
	case rls.RateLimitResponse_RateLimit_DAY:
		return 86400
	}
	return 0
}
