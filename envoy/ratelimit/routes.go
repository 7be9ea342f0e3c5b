package ratelimit

import "github.com/strangler-dev/strangler/routes"

// ConfigFromRoutes is the service's table for a route file: every limit of
// every route, and the file's default limits, under the ids Envoy's
// descriptors carry. Both sides derive from the same file, so they cannot
// drift apart. A file without a ratelimit block gives an empty table.
func ConfigFromRoutes(f *routes.File) Config {
	cfg := Config{Domain: DefaultDomain, Limits: map[string]Limit{}}
	if f.RateLimit == nil {
		return cfg
	}
	cfg.OnRedisError, cfg.RedisTimeout = f.RateLimit.OnRedisError, f.RateLimit.RedisTimeout
	add := func(ls []routes.Limit) {
		for _, l := range ls {
			cfg.Limits[l.ID] = Limit{ID: l.ID, Group: l.Group, Per: Per{Kind: l.Per.Kind, Name: l.Per.Name},
				Count: l.Count, Period: l.Period, Burst: l.Burst, Shadow: l.Shadow}
		}
	}
	add(f.DefaultLimits)
	for _, r := range f.Routes {
		add(r.Limits)
	}
	return cfg
}
