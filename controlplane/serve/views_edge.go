package serve

import (
	"strconv"
	"time"

	"github.com/strangler-dev/strangler/routes"
)

// LimitView is one rate limit as the route file says it.
type LimitView struct {
	ID     string `json:"id"`   // "<route>#<n>" or "_default#<n>", the limit label of strangler_ratelimit_decisions_total
	Per    string `json:"per"`  // client_ip, route, header:NAME, cookie:NAME
	Rate   string `json:"rate"` // "50/s"
	Burst  int64  `json:"burst"`
	Shadow bool   `json:"shadow"` // counted, never rejects
}

// CacheView is a route's edge cache policy; durations as Go writes them.
type CacheView struct {
	TTL                  string   `json:"ttl"`
	StaleWhileRevalidate string   `json:"stale_while_revalidate,omitempty"`
	StaleIfError         string   `json:"stale_if_error,omitempty"`
	NegativeTTL          string   `json:"negative_ttl,omitempty"`
	Vary                 []string `json:"vary,omitempty"`
	Bypass               []string `json:"bypass,omitempty"`
}

// ShadowView is the share of a route's traffic compared.
type ShadowView struct {
	Percent      float64 `json:"percent"`
	NoisePercent float64 `json:"noise_percent"`
}

// RolloutView is a rollout's plan settings the rollout status lacks: its
// gates, so a chart can draw the shadow match threshold.
type RolloutView struct {
	OnFailure   string   `json:"on_failure"`
	Interval    string   `json:"gate_interval"`
	ShadowMatch *float64 `json:"shadow_match_min,omitempty"` // percent
	ErrorRate   *float64 `json:"error_rate_max,omitempty"`   // percent
	P99Latency  string   `json:"p99_latency_max,omitempty"`
	MinRequests int64    `json:"min_requests"`
	Failures    int      `json:"failures"`
}

func limitViews(ls []routes.Limit) []LimitView {
	out := make([]LimitView, 0, len(ls))
	for _, l := range ls {
		per := l.Per.Kind
		if l.Per.Name != "" {
			per += ":" + l.Per.Name
		}
		burst := l.Burst
		if burst == 0 {
			burst = l.Count
		}
		out = append(out, LimitView{ID: l.ID, Per: per, Rate: rate(l.Count, l.Period), Burst: burst, Shadow: l.Shadow})
	}
	return out
}

// rate writes a limit the way the route file does: N/s, N/m or N/h.
func rate(n int64, period time.Duration) string {
	unit := period.String()
	switch period {
	case time.Second:
		unit = "s"
	case time.Minute:
		unit = "m"
	case time.Hour:
		unit = "h"
	}
	return strconv.FormatInt(n, 10) + "/" + unit
}

func cacheView(c *routes.Cache) *CacheView {
	if c == nil {
		return nil
	}
	keys := func(ks []routes.RequestKey) []string {
		var out []string
		for _, k := range ks {
			out = append(out, k.Kind+":"+k.Name)
		}
		return out
	}
	return &CacheView{TTL: c.TTL.String(), StaleWhileRevalidate: durationOrEmpty(c.StaleWhileRevalidate),
		StaleIfError: durationOrEmpty(c.StaleIfError), NegativeTTL: durationOrEmpty(c.NegativeTTL),
		Vary: keys(c.Vary), Bypass: keys(c.Bypass)}
}

func shadowView(s *routes.Shadow) *ShadowView {
	if s == nil {
		return nil
	}
	return &ShadowView{Percent: s.Percent.Float(), NoisePercent: s.NoisePercent.Float()}
}

func rolloutView(r *routes.Rollout) *RolloutView {
	if r == nil {
		return nil
	}
	g := r.Gates
	v := &RolloutView{OnFailure: r.OnFailure, Interval: g.Interval.String(), P99Latency: durationOrEmpty(g.P99Latency),
		MinRequests: g.MinRequests, Failures: g.Failures}
	if g.ShadowMatch != nil {
		f := g.ShadowMatch.Float()
		v.ShadowMatch = &f
	}
	if g.ErrorRate != nil {
		f := g.ErrorRate.Float()
		v.ErrorRate = &f
	}
	return v
}

func durationOrEmpty(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}
