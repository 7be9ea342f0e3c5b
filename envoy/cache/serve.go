package cache

import (
	"context"
	"net"
	"net/http"
	"runtime"
	"time"

	"google.golang.org/grpc"

	"github.com/strangler-dev/strangler/internal/portmux"
)

// ServerOptions are the gRPC server settings the hit benchmark was run
// with: a fixed pool of stream workers reuses goroutines whose stacks have
// already grown, instead of one new goroutine per stream.
func ServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.NumStreamWorkers(uint32(runtime.GOMAXPROCS(0))),
		grpc.SharedWriteBuffer(true),
	}
}

// Serve answers Envoy's gRPC and Magento's PURGE on one listener (the
// route file's cache_service.listen) until ctx ends, then stops both
// gracefully.
func (s *Service) Serve(ctx context.Context, l net.Listener) error {
	g := grpc.NewServer(ServerOptions()...)
	s.Register(g)
	web := &http.Server{Handler: s.PurgeHandler(), ReadHeaderTimeout: 10 * time.Second}
	return portmux.Serve(ctx, l, g, web)
}
