package serve

// RouteView is one route as the admin API shows it.
type RouteView struct {
	Name     string  `json:"name"`
	Index    int     `json:"index"`
	Match    string  `json:"match"`
	To       string  `json:"to"`
	Legacy   string  `json:"legacy"`
	Percent  float64 `json:"percent"`          // effective: what Envoy is told
	File     float64 `json:"file_percent"`     // as written in the route file (a rollout may hold Percent apart)
	Sticky   string  `json:"sticky,omitempty"` // "cookie:PHPSESSID" or "header:X-Customer-Id"
	Fallback bool    `json:"fallback"`
	Preview  string  `json:"preview_header,omitempty"`
	// The route's edge settings, for the console: nil or empty when unset.
	Limits  []LimitView  `json:"limits"` // effective: the route's own or the file's defaults
	Cache   *CacheView   `json:"cache,omitempty"`
	Shadow  *ShadowView  `json:"shadow,omitempty"`
	Rollout *RolloutView `json:"rollout,omitempty"`
}

// RouteViews lists the served routes in match order.
func RouteViews(cp *ControlPlane) []RouteView {
	f := cp.Store.File(nil)
	if f == nil {
		return []RouteView{}
	}
	eff := cp.effective(f)
	out := make([]RouteView, 0, len(f.Routes))
	for _, r := range f.Routes {
		v := RouteView{Name: r.Name, Index: r.Index, Match: r.Match.Describe(), To: r.To, Legacy: r.Legacy,
			Percent: eff.Routes[r.Index].Percent.Float(), File: r.Percent.Float(), Fallback: r.Fallback}
		if r.Sticky != nil {
			v.Sticky = "cookie:" + r.Sticky.Cookie
			if r.Sticky.Header != "" {
				v.Sticky = "header:" + r.Sticky.Header
			}
		}
		if r.Preview != nil {
			v.Preview = r.Preview.Header
		}
		v.Limits, v.Cache, v.Shadow, v.Rollout = limitViews(r.EffectiveLimits(f)), cacheView(r.Cache), shadowView(r.Shadow), rolloutView(r.Rollout)
		out = append(out, v)
	}
	return out
}
