package serve

import (
	"context"
	"log/slog"
	"net"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/rueidis"

	"github.com/strangler-dev/strangler/envoy/cache"
	"github.com/strangler-dev/strangler/routes"
)

func init() {
	edgeKinds = append(edgeKinds, edgeKind{
		name: "cache",
		listen: func(f *routes.File) (routes.Address, bool) {
			if f.CacheService == nil {
				return routes.Address{}, false
			}
			return f.CacheService.Listen, true
		},
		start: func(_ context.Context, f *routes.File, redis rueidis.Client, reg prometheus.Registerer, log *slog.Logger) (edgeService, error) {
			svc, err := cache.New(cache.ConfigFromRoutes(f), redis, reg, log)
			if err != nil {
				return nil, err
			}
			return cacheEdge{svc}, nil
		},
	})
}

type cacheEdge struct{ svc *cache.Service }

func (c cacheEdge) update(f *routes.File) error                     { return c.svc.Update(cache.ConfigFromRoutes(f)) }
func (c cacheEdge) close()                                          { c.svc.Close() }
func (c cacheEdge) serve(ctx context.Context, l net.Listener) error { return c.svc.Serve(ctx, l) }
