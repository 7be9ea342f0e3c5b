package shadow

import (
	"context"
	"net"
	"net/http"
	"runtime"
	"time"

	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"google.golang.org/grpc"

	"github.com/strangler-dev/strangler/internal/portmux"
)

// Serve takes Envoy's capture streams (gRPC) and request mirrors (HTTP/1.1)
// on one listener until ctx ends or the receiver is closed.
func (r *Receiver) Serve(ctx context.Context, l net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-r.ctx.Done():
			cancel()
		case <-ctx.Done():
		}
	}()
	g := grpc.NewServer(grpc.NumStreamWorkers(uint32(runtime.GOMAXPROCS(0))), grpc.SharedWriteBuffer(true))
	extprocv3.RegisterExternalProcessorServer(g, &captureServer{r: r})
	web := &http.Server{Handler: r.mirrorHandler(), ReadHeaderTimeout: 10 * time.Second}
	return portmux.Serve(ctx, l, g, web)
}
