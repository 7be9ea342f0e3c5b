package shadow

import (
	"time"

	"github.com/strangler-dev/strangler/routes"
	"github.com/strangler-dev/strangler/shadow/diff"
)

// ConfigFromRoutes is the receiver's configuration for a route file: every
// shadowed route with its rules and the endpoints of both of its sides.
func ConfigFromRoutes(f *routes.File) Config {
	cfg := Config{Routes: map[string]Route{}}
	for _, r := range f.Routes {
		if r.Shadow != nil {
			cfg.Routes[r.Name] = RouteFromFile(f, r)
		}
	}
	return cfg
}

// RouteFromFile is one route's comparison settings. A route without a
// shadow block (replay works on any route) compares GET and HEAD with no
// rules beyond the default header ignores.
func RouteFromFile(f *routes.File, r *routes.Route) Route {
	out := Route{Name: r.Name, Methods: routes.DefaultShadowMethods,
		Legacy: baseURLs(f.Backends[r.Legacy]), New: baseURLs(f.Backends[r.To]),
		Timeout: max(backendTimeout(f.Backends[r.Legacy]), backendTimeout(f.Backends[r.To]))}
	if s := r.Shadow; s != nil {
		out.Methods, out.AllowWrites, out.NoisePercent = s.Methods, s.AllowWrites, s.NoisePercent.Float()
		out.Rules = diff.Rules{Ignore: s.Ignore, Unordered: s.Unordered, Tolerance: s.Tolerance, Redact: s.Redact}
	}
	return out
}

// ReplayRoutes are every route of the file, for replaying recorded traffic.
func ReplayRoutes(f *routes.File) map[string]Route {
	out := make(map[string]Route, len(f.Routes))
	for _, r := range f.Routes {
		out[r.Name] = RouteFromFile(f, r)
	}
	return out
}

func baseURLs(b *routes.Backend) []string {
	if b == nil {
		return nil
	}
	scheme := "http://"
	if b.TLS {
		scheme = "https://"
	}
	out := make([]string, 0, len(b.Endpoints))
	for _, e := range b.Endpoints {
		out = append(out, scheme+e.String())
	}
	return out
}

func backendTimeout(b *routes.Backend) time.Duration {
	if b == nil || b.Timeout == 0 {
		return routes.DefaultTimeout
	}
	return b.Timeout
}
