package cache

import (
	"context"
	"net"
	"net/http"
	"time"

	"google.golang.org/grpc"

	"github.com/strangler-dev/strangler/internal/grpcserver"
	"github.com/strangler-dev/strangler/internal/portmux"
)

// Serve answers Envoy's gRPC and Magento's PURGE on one listener (the
// route file's cache_service.listen) until ctx ends, then stops both
// gracefully.
func (s *Service) Serve(ctx context.Context, l net.Listener) error {
	g := grpc.NewServer(grpcserver.Options()...)
	s.Register(g)
	web := &http.Server{Handler: s.PurgeHandler(), ReadHeaderTimeout: 10 * time.Second}
	return portmux.Serve(ctx, l, g, web)
}
