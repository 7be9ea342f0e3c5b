package cache

import (
	"github.com/strangler-dev/strangler/controlplane"
	"github.com/strangler-dev/strangler/routes"
)

// ConfigFromRoutes is the service's configuration for a route file: each
// cached route's policy under the name Envoy sends in the stream metadata,
// and the message timeouts Envoy's filter was given for the same file.
func ConfigFromRoutes(f *routes.File) Config {
	cfg := Config{Routes: map[string]Route{},
		MessageTimeout: controlplane.CacheMessageTimeout, MaxMessageTimeout: controlplane.CacheMaxMessageTimeout}
	if f.CacheService != nil {
		cfg.PurgeAllow, cfg.PurgeToken = f.CacheService.PurgeAllow, f.CacheService.PurgeToken
	}
	for _, r := range f.Routes {
		if r.Cache == nil {
			continue
		}
		c := r.Cache
		cfg.Routes[r.Name] = Route{Name: r.Name, TTL: c.TTL, StaleWhileRevalidate: c.StaleWhileRevalidate,
			StaleIfError: c.StaleIfError, NegativeTTL: c.NegativeTTL, Jitter: c.Jitter, MaxBody: c.MaxBody,
			Vary: keys(c.Vary), Bypass: keys(c.Bypass)}
	}
	return cfg
}

func keys(ks []routes.RequestKey) []Key {
	out := make([]Key, 0, len(ks))
	for _, k := range ks {
		out = append(out, Key{Kind: k.Kind, Name: k.Name})
	}
	return out
}
