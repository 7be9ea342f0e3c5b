package cache

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"time"

	"google.golang.org/grpc"

	"github.com/strangler-dev/strangler/internal/portmux"
)

// shutdownGrace bounds how long Serve waits for streams and purges in
// flight when its context ends.
const shutdownGrace = 5 * time.Second

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
	mux := portmux.New(l)
	defer mux.Close()
	g := grpc.NewServer(ServerOptions()...)
	s.Register(g)
	web := &http.Server{Handler: s.PurgeHandler(), ReadHeaderTimeout: 10 * time.Second}
	errs := make(chan error, 2)
	go func() { errs <- g.Serve(mux.GRPC()) }()
	go func() { errs <- web.Serve(mux.HTTP()) }()
	var err error
	select {
	case <-ctx.Done():
	case err = <-errs:
		err = fmt.Errorf("cache service on %s: %w", l.Addr(), err)
	}
	shutdown(g, web)
	if errors.Is(err, http.ErrServerClosed) || errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

func shutdown(g *grpc.Server, web *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	stopped := make(chan struct{})
	go func() {
		g.GracefulStop()
		close(stopped)
	}()
	_ = web.Shutdown(ctx)
	select {
	case <-stopped:
	case <-ctx.Done():
		g.Stop()
	}
}
