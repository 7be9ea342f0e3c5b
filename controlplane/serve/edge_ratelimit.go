package serve

import (
	"context"
	"log/slog"
	"net"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/rueidis"
	"google.golang.org/grpc"

	"github.com/strangler-dev/strangler/envoy/ratelimit"
	"github.com/strangler-dev/strangler/internal/grpcserver"
	"github.com/strangler-dev/strangler/routes"
)

func init() {
	edgeKinds = append(edgeKinds, edgeKind{
		name: "ratelimit",
		listen: func(f *routes.File) (routes.Address, bool) {
			if f.RateLimit == nil {
				return routes.Address{}, false
			}
			return f.RateLimit.Listen, true
		},
		start: func(_ context.Context, f *routes.File, redis rueidis.Client, reg prometheus.Registerer, log *slog.Logger) (edgeService, error) {
			svc, err := ratelimit.New(ratelimit.ConfigFromRoutes(f), ratelimit.FromRueidis(redis), reg, log)
			if err != nil {
				return nil, err
			}
			return rateLimitEdge{svc}, nil
		},
	})
}

type rateLimitEdge struct{ svc *ratelimit.Service }

func (r rateLimitEdge) update(f *routes.File) error {
	return r.svc.Update(ratelimit.ConfigFromRoutes(f))
}
func (r rateLimitEdge) close() { r.svc.Close() }

func (r rateLimitEdge) serve(ctx context.Context, l net.Listener) error {
	g := grpc.NewServer(grpcserver.Options()...)
	r.svc.Register(g)
	return serveGRPC(ctx, g, l)
}

// serveGRPC serves until ctx ends, then stops gracefully.
func serveGRPC(ctx context.Context, g *grpc.Server, l net.Listener) error {
	errs := make(chan error, 1)
	go func() { errs <- g.Serve(l) }()
	select {
	case <-ctx.Done():
		g.GracefulStop()
		return nil
	case err := <-errs:
		return err
	}
}
