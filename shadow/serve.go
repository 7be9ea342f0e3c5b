package shadow

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"time"

	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"google.golang.org/grpc"

	"github.com/strangler-dev/strangler/internal/portmux"
)

// shutdownGrace bounds how long Serve waits for streams and mirrors in
// flight when it stops.
const shutdownGrace = 5 * time.Second

// Serve takes Envoy's capture streams (gRPC) and request mirrors (HTTP/1.1)
// on one listener until ctx ends or the receiver is closed.
func (r *Receiver) Serve(ctx context.Context, l net.Listener) error {
	mux := portmux.New(l)
	defer mux.Close()
	g := grpc.NewServer(grpc.NumStreamWorkers(uint32(runtime.GOMAXPROCS(0))), grpc.SharedWriteBuffer(true))
	extprocv3.RegisterExternalProcessorServer(g, &captureServer{r: r})
	web := &http.Server{Handler: r.mirrorHandler(), ReadHeaderTimeout: 10 * time.Second}
	errs := make(chan error, 2)
	go func() { errs <- g.Serve(mux.GRPC()) }()
	go func() { errs <- web.Serve(mux.HTTP()) }()
	var err error
	select {
	case <-ctx.Done():
	case <-r.ctx.Done():
	case err = <-errs:
		err = fmt.Errorf("shadow receiver on %s: %w", l.Addr(), err)
	}
	stop(g, web)
	if errors.Is(err, http.ErrServerClosed) || errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

func stop(g *grpc.Server, web *http.Server) {
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
