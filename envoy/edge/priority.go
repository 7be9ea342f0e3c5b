package edge

// priorityState is the previous_priorities retry priority for one request:
// every update_frequency attempts, the priorities attempted so far are
// excluded from the next choice; once every priority is excluded they are
// all allowed again (envoy.retry_priorities.previous_priorities).
type priorityState struct {
	policy   *retryPolicy
	tried    []int
	excluded map[int]bool
}

func (p *priorityState) attempted(level int) {
	p.tried = append(p.tried, level)
	if p.policy == nil || p.policy.updateFrequency == 0 || len(p.tried)%p.policy.updateFrequency != 0 {
		return
	}
	p.excluded = map[int]bool{}
	for _, l := range p.tried {
		p.excluded[l] = true
	}
}

// choose picks the host for one attempt. A plain cluster has one priority
// level. An aggregate cluster's levels are its clusters in list order
// (arch_overview/upstream/aggregate_cluster: "The ordering of these
// clusters in the clusters list implicitly defines the fallback priority"):
// an attempt goes to the first level not excluded that has a healthy host,
// so a retry with previous_priorities moves to the next cluster. Simplified
// from Envoy's priority load (overprovisioning factor, per-level panic):
// when no level has a healthy host, the first one with any host is used.
func choose(v *view, u *upstream, excluded map[int]bool) (*upstream, *host, int) {
	if u.spec.kind != kindAggregate {
		return u, u.pick(), 0
	}
	levels := make([]*upstream, len(u.spec.aggregate))
	all := true
	for i, name := range u.spec.aggregate {
		if c := v.cluster(name); c != nil && c.spec.kind != kindAggregate {
			levels[i] = c
		}
		all = all && excluded[i]
	}
	if all {
		excluded = nil
	}
	for i, c := range levels {
		if c != nil && !excluded[i] && c.hasHealthy() {
			return c, c.pick(), i
		}
	}
	for i, c := range levels {
		if c != nil && !excluded[i] && c.hostCount() > 0 {
			return c, c.pick(), i
		}
	}
	return nil, nil, 0
}
